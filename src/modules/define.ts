/**
 * define* helpers: identity functions at run time, there so that TypeScript infers what a handler
 * receives from what the definition declares (a tool's `input`, a template's `uriTemplate`, a
 * prompt's `arguments`) and checks what it returns. The server passes them to every module in its kit.
 */
import type { z } from 'zod';
import type { JsonShape } from '../storage/types.js';
import type {
  CompleteFn,
  ContentBlock,
  InputRequired,
  JsonSchemaObject,
  ListedResource,
  ModuleContext,
  PromptArgument,
  PromptDefinition,
  PromptReturn,
  ResourceDefinition,
  ResourceReadReturn,
  ResourceTemplateDefinition,
  ToolDefinition,
  ToolExecution,
  ToolResult,
} from './types.js';

/** Any Standard Schema (a zod object, valibot, ...): what it outputs after validation. */
type StandardOutput<S> = S extends { readonly '~standard': { readonly types?: infer T } } ? (NonNullable<T> extends { readonly output: infer O } ? O : unknown) : never;

type IsStandardSchema<S> = S extends { readonly '~standard': unknown } ? true : false;

/** A tool's `input` or `output` as one of the forms the server accepts. */
export type SchemaInput = z.ZodRawShape | { readonly '~standard': unknown } | JsonSchemaObject;

/**
 * What a schema declaration validates to: a zod shape's or zod object's output type (defaults
 * applied), `Record<string, unknown>` for JSON Schema (checked at run time, not typed), `{}`-like
 * when there is no schema.
 */
export type Infer<S> = [S] extends [undefined]
  ? Record<string, never>
  : IsStandardSchema<S> extends true
    ? StandardOutput<S>
    : S extends JsonSchemaObject
      ? Record<string, unknown>
      : S extends z.ZodRawShape
        ? z.output<z.ZodObject<S>>
        : never;

/** Returns taken as they are; anything else must be JSON-shaped. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets `run` end without a return (Promise<void>), as authors write it
type AsIs = string | number | boolean | null | undefined | void | InputRequired | ToolResult | readonly ContentBlock[];

/** A return value checked member by member (a union is checked one member at a time). */
type CheckedReturn<R> = R extends AsIs ? R : JsonShape<R>;

/** What `run` of a tool that declares `output` returns: that shape, a full result, or an input request. */
export type StructuredReturn<Output> = Infer<Output> | ToolResult<Infer<Output>> | InputRequired;

/**
 * Without `output`, `run` may return anything JSON-shaped (interfaces too); a value that is not (a
 * Date, a Map, a function) makes `defineTool` fail to type-check with a message that says so.
 */
type ReturnCheck<R> = [R] extends [CheckedReturn<R>] ? unknown : { 'run must return text, content blocks, a ToolResult, an input request or a JSON value': CheckedReturn<R> };

type ToolBase<I> = Omit<ToolDefinition, 'input' | 'output' | 'execution' | 'run'> & { input?: I; execution?: ToolExecution<Infer<I>> };

/** A tool that declares `output`, as written with `defineTool`: `run` must return that shape. */
export interface StructuredToolSpec<I, O> extends ToolBase<I> {
  output: O;
  run(args: Infer<I>, ctx: ModuleContext): StructuredReturn<O> | Promise<StructuredReturn<O>>;
}

/** A tool without `output`, as written with `defineTool`: `run` returns text, content or any JSON value. */
export interface ToolSpec<I, R> extends ToolBase<I> {
  output?: undefined;
  run(args: Infer<I>, ctx: ModuleContext): R | Promise<R>;
}

/**
 * A tool whose `run` receives the validated input, typed: from a zod shape (`{ city: z.string() }`),
 * a zod object, or `Record<string, unknown>` for a JSON Schema `input`. With `output`, `run` must
 * return that shape; without, any JSON value (or text, content, a result, an input request).
 */
export function defineTool<I extends SchemaInput | undefined = undefined, O extends SchemaInput = SchemaInput>(tool: StructuredToolSpec<I, O>): ToolDefinition<Infer<I>>;
export function defineTool<I extends SchemaInput | undefined = undefined, R = undefined>(tool: ToolSpec<I, R> & ReturnCheck<R>): ToolDefinition<Infer<I>>;
export function defineTool(tool: unknown): unknown {
  return tool;
}

/** A static resource at one URI. */
export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

/** Operators of RFC 6570 expressions whose variables may be absent from a URI (query parameters). */
type OptionalOperator = '?' | '&';
type Operator = OptionalOperator | '+' | '#' | '.' | '/' | ';';

/** `name`, `name*` or `name:3` -> `name`. */
type VariableName<V extends string> = V extends `${infer N}*` ? N : V extends `${infer N}:${string}` ? N : V;
type VariableList<L extends string> = L extends `${infer A},${infer B}` ? VariableName<A> | VariableList<B> : VariableName<L>;
type Expressions<T extends string> = T extends `${string}{${infer E}}${infer Rest}` ? E | Expressions<Rest> : never;
type RequiredNames<E extends string> = E extends `${OptionalOperator}${string}` ? never : E extends `${Operator}${infer L}` ? VariableList<L> : VariableList<E>;
type OptionalNames<E extends string> = E extends `${OptionalOperator}${infer L}` ? VariableList<L> : never;

/**
 * The variables of a URI template, e.g. `notes://{id}{?lang}` -> `{ id: string; lang?: string }`;
 * `Record<string, string>` when the template is not a literal.
 */
export type TemplateVariables<T extends string> = string extends T ? Record<string, string> : { [K in RequiredNames<Expressions<T>>]: string } & { [K in OptionalNames<Expressions<T>>]?: string };

/** A resource template as written with `defineResourceTemplate`: `read` and `complete` know the variables. */
export interface ResourceTemplateSpec<T extends string> extends Omit<ResourceTemplateDefinition, 'uriTemplate' | 'read' | 'complete' | 'list'> {
  uriTemplate: T;
  list?(ctx: ModuleContext): ListedResource[] | Promise<ListedResource[]>;
  complete?: { [K in keyof TemplateVariables<T>]?: CompleteFn };
  read(uri: URL, variables: TemplateVariables<T>, ctx: ModuleContext): ResourceReadReturn | Promise<ResourceReadReturn>;
}

/** A resource template whose `read` and `complete` are typed by the variables of `uriTemplate`. */
export function defineResourceTemplate<T extends string>(template: ResourceTemplateSpec<T>): ResourceTemplateDefinition<TemplateVariables<T>>;
export function defineResourceTemplate(template: unknown): unknown {
  return template;
}

type ArgumentNames<A extends readonly PromptArgument[], Required extends boolean> = {
  [I in keyof A]: A[I] extends { name: infer N extends string; required?: infer Q } ? ((Q extends true ? true : false) extends Required ? N : never) : never;
}[number];

/** What `get` receives for a prompt's `arguments`: required names as strings, the others optional. */
export type PromptArgs<A> = A extends readonly PromptArgument[]
  ? { [K in ArgumentNames<A, true>]: string } & { [K in ArgumentNames<A, false>]?: string }
  : A extends z.ZodRawShape
    ? z.output<z.ZodObject<A>>
    : Record<string, never>;

type PromptArgumentsInput = readonly PromptArgument[] | z.ZodRawShape | undefined;

/** A prompt as written with `definePrompt`: `get` and `complete` know the arguments. */
export interface PromptSpec<A extends PromptArgumentsInput> extends Omit<PromptDefinition, 'arguments' | 'complete' | 'get'> {
  arguments?: A;
  complete?: { [K in keyof PromptArgs<A>]?: CompleteFn };
  get(args: PromptArgs<A>, ctx: ModuleContext): PromptReturn | Promise<PromptReturn>;
}

/** A prompt whose `get` receives its arguments typed from `arguments` (a list or a zod shape). */
export function definePrompt<const A extends PromptArgumentsInput = undefined>(prompt: PromptSpec<A>): PromptDefinition<PromptArgs<A>>;
export function definePrompt(prompt: unknown): unknown {
  return prompt;
}
