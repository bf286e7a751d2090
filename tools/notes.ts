/**
 * Built-in notes: save, list, search by meaning, delete; readable as notes://{id} resources,
 * and a prompt that gathers notes for a summary. Search ranks by vector similarity of embeddings
 * made with the server's embedder, inside whichever storage engine is configured.
 */
import { randomUUID } from 'node:crypto';
import type { ModuleContext, ModuleKit, StoredDocument } from 'mcp-server/module';

const COLLECTION = 'notes';

interface Note {
  title: string;
  body: string;
  tags: string[];
}

const noteText = (note: Note) => `${note.title}\n\n${note.body}`;
const normalizeTags = (tags: string[] | undefined) => [...new Set((tags ?? []).map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
const iso = (ms: number) => new Date(ms).toISOString();

const notesOf = (ctx: ModuleContext) => ctx.storage.collection<Note>(COLLECTION);

function view(doc: StoredDocument<Note>) {
  const note = doc.data;
  return { id: doc.id, title: note.title, body: note.body, tags: note.tags, createdAt: iso(doc.createdAt), updatedAt: iso(doc.updatedAt) };
}

const tagFilter = (tag: string | undefined) => (tag ? { tags: { $contains: tag.trim().toLowerCase() } } : undefined);

export default ({ z, defineTool, defineResourceTemplate, definePrompt }: ModuleKit) => {
  const noteShape = { id: z.string(), title: z.string(), body: z.string(), tags: z.array(z.string()), createdAt: z.string(), updatedAt: z.string() };
  const tag = z.string().min(1).max(64).describe('A tag such as "work" or "recipes" (case-insensitive).');

  return [
    defineTool({
      name: 'note_save',
      title: 'Save a note',
      description: 'Save a note with a title, body text and optional tags. Give an existing id to update that note; otherwise a new note is created. Returns the saved note with its id.',
      input: {
        title: z.string().min(1).max(200).describe('Short title of the note.'),
        body: z.string().max(100_000).default('').describe('The note text.'),
        tags: z.array(tag).max(20).optional().describe('Tags to file the note under.'),
        id: z.string().min(1).max(128).optional().describe('Id of a note to replace; omit to create a new note.'),
      },
      output: noteShape,
      annotations: { destructiveHint: false },
      async run(args, ctx) {
        const note: Note = { title: args.title.trim(), body: args.body, tags: normalizeTags(args.tags) };
        const saved = await notesOf(ctx).put(args.id ?? randomUUID(), note, { vector: ctx.embed(noteText(note)) });
        ctx.log.info(`saved note ${saved.id}`);
        return view(saved);
      },
    }),
    defineTool({
      name: 'note_list',
      title: 'List notes',
      description: 'List notes, most recently updated first, optionally only those with a tag.',
      input: {
        tag: tag.optional(),
        limit: z.number().int().min(1).max(200).default(20).describe('How many notes to return (1-200, default 20).'),
        offset: z.number().int().min(0).default(0).describe('Skip this many notes (for paging).'),
      },
      output: { notes: z.array(z.object(noteShape)), total: z.number().int() },
      annotations: { readOnlyHint: true },
      async run(args, ctx) {
        const notes = notesOf(ctx);
        const filter = tagFilter(args.tag);
        const [docs, total] = await Promise.all([
          notes.find({ ...(filter ? { filter } : {}), orderBy: [{ field: '$updatedAt', direction: 'desc' }], limit: args.limit, offset: args.offset }),
          notes.count(filter),
        ]);
        return { notes: docs.map(view), total };
      },
    }),
    defineTool({
      name: 'note_search',
      title: 'Search notes by meaning',
      description:
        'Find the notes most similar in meaning to a query (words and spellings close to the query rank first), optionally only those with a tag. Each result has a similarity score from 0 to 1.',
      input: {
        query: z.string().min(1).max(2000).describe('What you are looking for, in your own words.'),
        tag: tag.optional(),
        limit: z.number().int().min(1).max(50).default(5).describe('How many notes to return (1-50, default 5).'),
      },
      output: { results: z.array(z.object({ ...noteShape, score: z.number() })) },
      annotations: { readOnlyHint: true },
      async run(args, ctx) {
        const filter = tagFilter(args.tag);
        const hits = await notesOf(ctx).search(ctx.embed(args.query), { k: args.limit, ...(filter ? { filter } : {}) });
        return { results: hits.map((hit) => ({ ...view(hit), score: Math.round(hit.score * 10_000) / 10_000 })) };
      },
    }),
    defineTool({
      name: 'note_delete',
      title: 'Delete a note',
      description: 'Delete a note by id. Returns deleted=false when no such note exists.',
      input: { id: z.string().min(1).max(128).describe('Id of the note to delete.') },
      output: { id: z.string(), deleted: z.boolean() },
      annotations: { destructiveHint: true, idempotentHint: true },
      async run(args, ctx) {
        return { id: args.id, deleted: await notesOf(ctx).delete(args.id) };
      },
    }),
    defineResourceTemplate({
      name: 'note',
      uriTemplate: 'notes://{id}',
      title: 'Note',
      description: 'One saved note as Markdown.',
      mimeType: 'text/markdown',
      async list(ctx) {
        const docs = await notesOf(ctx).find({ orderBy: [{ field: '$updatedAt', direction: 'desc' }], limit: 50 });
        return docs.map((doc) => ({ uri: `notes://${encodeURIComponent(doc.id)}`, name: doc.data.title, mimeType: 'text/markdown' }));
      },
      complete: {
        async id(value, ctx) {
          const docs = await notesOf(ctx).find({ filter: { $id: { $startsWith: value } }, limit: 20 });
          return docs.map((doc) => doc.id);
        },
      },
      async read(_uri, variables, ctx) {
        const id = decodeURIComponent(variables.id);
        const doc = await notesOf(ctx).get(id);
        if (!doc) throw new Error(`No note with id "${id}"`);
        const note = doc.data;
        return `# ${note.title}\n\n${note.body}\n\n${note.tags.length ? `Tags: ${note.tags.join(', ')}\n` : ''}`;
      },
    }),
    definePrompt({
      name: 'notes_summary',
      title: 'Summarize notes',
      description: 'Ask the model to summarize your recent notes, optionally only those with a tag.',
      arguments: [{ name: 'tag', description: 'Only notes with this tag.', required: false }],
      complete: {
        async tag(value, ctx) {
          const docs = await notesOf(ctx).find({ orderBy: [{ field: '$updatedAt', direction: 'desc' }], limit: 500 });
          const tags = new Set(docs.flatMap((doc) => doc.data.tags));
          return [...tags]
            .filter((t) => t.startsWith(value.toLowerCase()))
            .sort()
            .slice(0, 20);
        },
      },
      async get(args, ctx) {
        const filter = tagFilter(args.tag);
        const docs = await notesOf(ctx).find({ ...(filter ? { filter } : {}), orderBy: [{ field: '$updatedAt', direction: 'desc' }], limit: 50 });
        const listing = docs.map((doc) => `## ${doc.data.title}\n${doc.data.body}`).join('\n\n');
        return `Summarize these notes${args.tag ? ` tagged "${args.tag}"` : ''} in a few bullet points:\n\n${listing || '(no notes yet)'}`;
      },
    }),
  ];
};
