/**
 * The module contract: what a user's tool/resource/prompt file exports. Plain objects satisfy it;
 * nothing here needs to be imported by a module (the types are for authors who want them).
 *
 * A module file's default export and named exports may each be:
 *   - a definition (tool, resource, resource template or prompt),
 *   - an array of definitions,
 *   - a function `(kit) => definition | definition[]` that receives `{ z }` (the server's zod), so a
 *     module outside this package can use zod without installing it.
 */
import type { Storage } from '../storage/types.js';

export type JsonSchemaObject = { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

/** A zod raw shape (`{ a: z.string() }`), a zod object, or a JSON Schema object. */
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
 * What `run` may return:
 *  - a string: one text block;
 *  - an array of content blocks;
 *  - a full tool result `{ content, structuredContent?, isError? }`;
 *  - the value of `ctx.elicit/ctx.sample/ctx.ask` (asks the client for input, then re-enters `run`);
 *  - any other JSON value: structured content when the tool declares `output`, else JSON text.
 */
export type ToolReturn = unknown;

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

export interface ModuleContext {
  storage: Storage;
  log: ModuleLog;
  signal: AbortSignal;
  progress(done: number, total?: number, message?: string): Promise<void>;
  /** Ask the client to fill a form; return the value. `run` is called again with the answer. */
  elicit(key: string, params: ElicitParams, state?: unknown): ToolReturn;
  /** Ask the client's model for a completion; return the value. `run` is called again with the answer. */
  sample(key: string, params: SampleParams, state?: unknown): ToolReturn;
  /** Several input requests in one round. */
  ask(requests: Record<string, InputAsk>, state?: unknown): ToolReturn;
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

export interface ToolDefinition {
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
  execution?: ToolExecution;
  run(args: any, ctx: ModuleContext): ToolReturn | Promise<ToolReturn>;
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
export interface ToolExecution {
  taskSupport?: 'forbidden' | 'optional' | 'required';
  /**
   * Runs on every tools/call before a task is created (and before `run` on a synchronous call):
   * return an input request (ctx.elicit/sample/ask) to gather input by multi-round-trip first, a
   * result to answer at once without a task, or undefined to go on. `run` sees the same
   * ctx.input/ctx.state answers.
   */
  prepare?(args: any, ctx: ModuleContext): ToolReturn | Promise<ToolReturn>;
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

export interface ResourceTemplateDefinition {
  kind?: 'resourceTemplate';
  name: string;
  /** RFC 6570 URI template, e.g. `notes://{id}`. */
  uriTemplate: string;
  title?: string;
  description?: string;
  mimeType?: string;
  /** Concrete resources this template currently stands for (shown in resources/list). */
  list?(ctx: ModuleContext): Array<{ uri: string; name: string; description?: string; mimeType?: string }> | Promise<Array<{ uri: string; name: string; description?: string; mimeType?: string }>>;
  /** Completion of template variables: variable name -> candidates for a partial value. */
  complete?: Record<string, (value: string, ctx: ModuleContext, context: Record<string, string>) => string[] | Promise<string[]>>;
  read(uri: URL, variables: Record<string, string>, ctx: ModuleContext): ResourceReadReturn | Promise<ResourceReadReturn>;
}

export interface PromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

export type PromptMessage = { role: 'user' | 'assistant'; content: ContentBlock };

export interface PromptDefinition {
  kind?: 'prompt';
  name: string;
  title?: string;
  description?: string;
  /** Argument list (all values are strings), or a zod raw shape of string fields. */
  arguments?: PromptArgument[] | Record<string, unknown>;
  complete?: Record<string, (value: string, ctx: ModuleContext, context: Record<string, string>) => string[] | Promise<string[]>>;
  /** A string (one user message), a message list, or `{ description?, messages }`. */
  get(args: Record<string, string>, ctx: ModuleContext): string | PromptMessage[] | { description?: string; messages: PromptMessage[] } | Promise<string | PromptMessage[] | { description?: string; messages: PromptMessage[] }>;
}

export type Definition = ToolDefinition | ResourceDefinition | ResourceTemplateDefinition | PromptDefinition;
