/**
 * `mcp-server/module`: the contract between mcp-server and the modules it serves.
 *
 * EVERYTHING EXPORTED HERE IS PUBLIC API (semver applies); nothing else in this package is. Add an
 * export only on purpose. Modules never need this file at run time: the server hands the same
 * helpers to a module's default-export function (`export default ({ z, defineTool }) => ...`), so a
 * type-only import (`import type { ModuleKit } from 'mcp-server/module'`) is all a module needs.
 */
export { defineTool, defineResource, defineResourceTemplate, definePrompt } from './modules/define.js';
export type { Infer, PromptArgs, PromptSpec, ResourceTemplateSpec, SchemaInput, StructuredReturn, StructuredToolSpec, TemplateVariables, ToolSpec } from './modules/define.js';
export type { ModuleKit } from './modules/kit.js';
export type {
  AuthIdentity,
  Collection,
  CompleteFn,
  ContentBlock,
  Definition,
  ElicitParams,
  EngineName,
  InputAnswer,
  InputAsk,
  InputRequired,
  InputSchema,
  JsonSchemaObject,
  ListedResource,
  LogLevel,
  ModuleContext,
  ModuleLog,
  ModuleStorage,
  PromptArgument,
  PromptDefinition,
  PromptMessage,
  PromptReturn,
  ResourceDefinition,
  ResourceReadReturn,
  ResourceTemplateDefinition,
  SampleParams,
  ToolAnnotations,
  ToolDefinition,
  ToolExecution,
  ToolResult,
  ToolReturn,
} from './modules/types.js';
export type {
  FieldCondition,
  FieldOperators,
  Filter,
  FindQuery,
  Json,
  JsonShape,
  OrderBy,
  PutOptions,
  Scalar,
  SearchHit,
  SearchOptions,
  StoredDocument,
} from './storage/types.js';
