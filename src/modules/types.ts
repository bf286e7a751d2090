/**
 * The module contract: what a user's tool/resource/prompt file exports. Plain objects satisfy it;
 * nothing here needs to be imported by a module (the types are for authors who want them; they are
 * published through src/module.ts, `mcp-server/module`).
 *
 * A module file's default export and named exports may each be:
 *   - a definition (tool, resource, resource template or prompt),
 *   - an array of definitions,
 *   - a function `(kit) => definition | definition[]` that receives `{ z, defineTool, ... }` (the
 *     server's zod and the define helpers), so a module outside this package needs no dependency.
 */
import type { Collection, EngineName, Json, Storage } from '../storage/types.js';

export type JsonSchemaObject = { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

/** A zod raw shape (`{ a: z.string() }`), a zod object (any Standard Schema), or a JSON Schema object. */
export type InputSchema = Record<string, unknown> | JsonSchemaObject;

export interface ToolAnnotations {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export type ContentBlock =
  | { type: 'text'; text: string; [k: string]: unknown }
  | { type: 'image'; data: string; mimeType: string; [k: string]: unknown }
  | { type: 'audio'; data: string; mimeType: string; [k: string]: unknown }
  | { type: 'resource'; resource: { uri: string; mimeType?: string; text?: string; blob?: string }; [k: string]: unknown }
  | { type: 'resource_link'; uri: string; name: string; [k: string]: unknown };

/**
 * What `ctx.elicit`, `ctx.sample` and `ctx.ask` resolve to. Return it from `run` (or `prepare`): the
 * call ends for now and `run` is called again with the answer in `ctx.input(key)`. It holds nothing
 * to read; the answer is not in it.
 */
export interface InputRequired {
  readonly resultType: 'input_required';
}

/** A full tool result, as MCP defines it. `structuredContent` must match the tool's `output`. */
export interface ToolResult<Structured = Record<string, unknown>> {
  content: ContentBlock[];
  structuredContent?: Structured;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

/**
 * What `run` may return:
 *  - a string: one text block;
 *  - an array of content blocks;
 *  - a full tool result `{ content, structuredContent?, isError? }`;
 *  - the value of `ctx.elicit/ctx.sample/ctx.ask` (asks the client for input, then re-enters `run`);
 *  - any other JSON value: structured content when the tool declares `output`, else JSON text;
 *  - nothing (an empty result).
 * With `defineTool`, a tool that declares `output` must return that shape (or a result or input
 * request), and any JSON-shaped value (interfaces too) is accepted where `Json` is written here.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets `run` end without a return (Promise<void>), as authors write it
export type ToolReturn = string | ContentBlock[] | ToolResult | InputRequired | Json | undefined | void;

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'error';

export interface ModuleLog {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

export interface ElicitParams {
  message: string;
  /** A flat JSON Schema object of primitive fields (the MCP elicitation form subset). */
  requestedSchema: JsonSchemaObject;
}

export interface SampleParams {
  messages: Array<{ role: 'user' | 'assistant'; content: { type: 'text'; text: string } | ContentBlock }>;
  maxTokens: number;
  systemPrompt?: string;
  temperature?: number;
  [k: string]: unknown;
}

/** One input request of a round: exactly one of elicit or sample. */
export type InputAsk = { elicit: ElicitParams } | { sample: SampleParams } | { roots: true };

/** The client's answer to one input request, as the handler sees it on re-entry. */
export type InputAnswer =
  | { kind: 'missing' }
  | { kind: 'elicit'; action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> }
  | { kind: 'sampling'; result: { role: string; content: unknown; model?: string; [k: string]: unknown } }
  | { kind: 'roots'; roots: Array<{ uri: string; name?: string }> };

export interface AuthIdentity {
  /** A stable name for the caller (the API key's label, or 'anonymous'). */
  id: string;
  scopes: string[];
}

/** The storage a module sees: collections of JSON documents (see Storage for the engine's full interface). */
export type ModuleStorage = Pick<Storage, 'engine' | 'collection' | 'listCollections'>;
export type { Collection, EngineName };

export interface ModuleContext {
  storage: ModuleStorage;
  log: ModuleLog;
  signal: AbortSignal;
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** Ask the client to fill a form: return what this resolves to; `run` is called again with the answer. */
  elicit(key: string, params: ElicitParams, state?: unknown): Promise<InputRequired>;
  /** Ask the client's model for a completion: return what this resolves to; `run` is called again with the answer. */
  sample(key: string, params: SampleParams, state?: unknown): Promise<InputRequired>;
  /** Several input requests in one round: return what this resolves to. */
  ask(requests: Record<string, InputAsk>, state?: unknown): Promise<InputRequired>;
  /** This round's answer to the input request named `key` ({kind:'missing'} on the first call). */
  input(key: string): InputAnswer;
  /** The state passed to elicit/sample/ask in the previous round (integrity-checked), if any. */
  state<T = unknown>(): T | undefined;
  /** Embed text as a normalized vector with the configured embedder (for storage search). */
  embed(text: string): number[];
  auth?: AuthIdentity;
  /** This module's section of the config (`modules.<module name>`), or {}. */
  config: Record<string, unknown>;
  /** Which protocol generation the request came in on. */
  era: 'modern' | 'legacy';
  /** What the calling client declared it can do (elicitation, sampling, roots...), when known. */
  clientCapabilities?: Record<string, unknown>;
  /** Tell subscribed clients something changed: a resource's content, or a list of definitions. */
  notify: {
    resourceUpdated(uri: string): void;
    listChanged(...lists: Array<'tools' | 'resources' | 'prompts'>): void;
  };
  /**
   * Over Streamable HTTP with a 2025 session: end this call's SSE stream now (the client reconnects
   * with Last-Event-ID and still gets the result). Elsewhere it does nothing.
   */
  closeStream(): void;
}

/**
 * A tool. `Args` is what `run` receives (validated against `input`; `defineTool` infers it from a zod
 * shape or object); `Return` what it gives back.
 */
export interface ToolDefinition<Args = unknown, Return = ToolReturn> {
  kind?: 'tool';
  name: string;
  title?: string;
  description: string;
  input?: InputSchema;
  /** Declares structured output: a zod shape/object or JSON Schema; results are validated against it. */
  output?: InputSchema;
  annotations?: ToolAnnotations;
  /** Overrides tools.timeoutSeconds for this tool (for a task: for each run of it). */
  timeoutSeconds?: number;
  /** Running calls as tasks (the Tasks extension, io.modelcontextprotocol/tasks, on the 2026-07-28 wire). */
  execution?: ToolExecution<Args>;
  run(args: Args, ctx: ModuleContext): Return | Promise<Return>;
}

/**
 * How a tool's calls may run as tasks. With `optional` or `required`, a call from a client that
 * declared the Tasks extension is answered at once with a task handle; `run` then works in the
 * background (ctx.signal aborts on tasks/cancel or expiry), and its ctx.elicit/sample/ask park the
 * task in input_required until the client answers with tasks/update. A client without the extension
 * gets a synchronous call (`optional`) or error -32021 (`required`). 2025-11-25 clients always get
 * synchronous calls. A thrown error with an integer JSON-RPC `code` fails the task; any other throw
 * completes it with an isError result, as on a synchronous call.
 */
export interface ToolExecution<Args = unknown> {
  taskSupport?: 'forbidden' | 'optional' | 'required';
  /**
   * Runs on every tools/call before a task is created (and before `run` on a synchronous call):
   * return an input request (ctx.elicit/sample/ask) to gather input by multi-round-trip first, a
   * result to answer at once without a task, or undefined to go on. `run` sees the same
   * ctx.input/ctx.state answers.
   */
  prepare?(args: Args, ctx: ModuleContext): ToolReturn | Promise<ToolReturn>;
}

export type ResourceReadReturn =
  | string
  | Uint8Array
  | { text: string; mimeType?: string }
  | { blob: string; mimeType?: string }
  | Array<{ uri: string; mimeType?: string; text?: string; blob?: string }>;

export interface ResourceDefinition {
  kind?: 'resource';
  name: string;
  uri: string;
  title?: string;
  description?: string;
  mimeType?: string;
  read(uri: URL, ctx: ModuleContext): ResourceReadReturn | Promise<ResourceReadReturn>;
}

/** Candidates for a partial value; `context` holds the other arguments or variables given so far. */
export type CompleteFn = (value: string, ctx: ModuleContext, context: Record<string, string>) => string[] | Promise<string[]>;

export interface ListedResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

/** A resource template. `Variables`: the template's variables (`defineResourceTemplate` reads them from `uriTemplate`). */
export interface ResourceTemplateDefinition<Variables = Record<string, string>> {
  kind?: 'resourceTemplate';
  name: string;
  /** RFC 6570 URI template, e.g. `notes://{id}`. */
  uriTemplate: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Concrete resources this template currently stands for (shown in resources/list). */
  list?(ctx: ModuleContext): ListedResource[] | Promise<ListedResource[]>;
  /** Completion of template variables: variable name -> candidates for a partial value. */
  complete?: Record<string, CompleteFn>;
  read(uri: URL, variables: Variables, ctx: ModuleContext): ResourceReadReturn | Promise<ResourceReadReturn>;
}

export interface PromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

export type PromptMessage = { role: 'user' | 'assistant'; content: ContentBlock };

/** A string (one user message), a message list, or `{ description?, messages }`. */
export type PromptReturn = string | PromptMessage[] | { description?: string; messages: PromptMessage[] };

/** A prompt. `Args`: what `get` receives (`definePrompt` infers it from `arguments`). */
export interface PromptDefinition<Args = Record<string, string>> {
  kind?: 'prompt';
  name: string;
  title?: string;
  description?: string;
  /** Argument list (all values are strings), or a zod raw shape of string fields. */
  arguments?: readonly PromptArgument[] | Record<string, unknown>;
  complete?: Record<string, CompleteFn>;
  get(args: Args, ctx: ModuleContext): PromptReturn | Promise<PromptReturn>;
}

export type Definition = ToolDefinition | ResourceDefinition | ResourceTemplateDefinition | PromptDefinition;
