import { isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../config/object-path.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';

// This module must not load the MCP SDK: under stdio it answers `initialize` while the SDK is still loading.

/** The Tasks extension's identifier (SEP-2663), under `capabilities.extensions`. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** The 2025-era protocol versions the SDK negotiates through `initialize`, preferred first (test/initialize-answer.test.ts checks them against the SDK's). */
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** What every server of this host advertises (a fresh object: the SDK merges into what it is given). */
export function serverCapabilities() {
  return {
    tools: { listChanged: true },
    resources: { listChanged: true, subscribe: true },
    prompts: { listChanged: true },
    logging: {},
    completions: {},
    extensions: { [TASKS_EXTENSION]: {} },
  };
}

/** Who this server says it is: the configured name, version and description (the version defaults to mcp-server's own). */
export function serverInfoOf(server: Config['server'], version: string): { name: string; version: string; description?: string } {
  const { name, description } = server;
  return { name, version: server.version ?? version, ...(description ? { description } : {}) };
}

// a type, not an interface: it must fit the SDK's Result (an index signature)
export type InitializeResult = {
  protocolVersion: string;
  capabilities: ReturnType<typeof serverCapabilities>;
  serverInfo: ReturnType<typeof serverInfoOf>;
  instructions?: string;
};

/** The SDK's answer to a 2025-era `initialize` asking for `requested`, as its Server._oninitialize builds it. */
export function initializeResult(server: Config['server'], version: string, requested: string): InitializeResult {
  return {
    protocolVersion: LEGACY_PROTOCOL_VERSIONS.includes(requested) ? requested : LEGACY_PROTOCOL_VERSIONS[0]!,
    capabilities: serverCapabilities(),
    serverInfo: serverInfoOf(server, version),
    ...(server.instructions ? { instructions: server.instructions } : {}),
  };
}

/** The server's answer to an `initialize` replayed to it, checked against the one sent ahead: a difference is an mcp-server bug. */
export function checkAnsweredAhead(log: Logger, sent: InitializeResult, answer: unknown): void {
  if (isPlainObject(answer) && isDeepStrictEqual(answer.result, sent)) return;
  log.error({ sent, server: answer }, 'initialize was answered ahead differently from how the server answers it (mcp-server bug)');
}

export interface AnswerableInitialize {
  jsonrpc: '2.0';
  id: string | number;
  method: 'initialize';
  params: { protocolVersion: string };
}

/**
 * Whether `message` is an `initialize` this module can answer exactly as the SDK would: a 2025-era
 * request (no `_meta`, so no 2026-07-28 envelope) whose params the SDK's schema surely accepts.
 * Deliberately narrower than the schema: anything unusual is left to the SDK.
 */
export function isAnswerableInitialize(message: unknown): message is AnswerableInitialize {
  if (!isPlainObject(message) || message.jsonrpc !== '2.0' || message.method !== 'initialize') return false;
  if (!(typeof message.id === 'string' || Number.isSafeInteger(message.id))) return false;
  const { params } = message;
  if (!isPlainObject(params) || params._meta !== undefined || typeof params.protocolVersion !== 'string') return false;
  return isPlainImplementation(params.clientInfo) && isPlainCapabilities(params.capabilities);
}

function isPlainImplementation(info: unknown): boolean {
  if (!isPlainObject(info) || typeof info.name !== 'string' || typeof info.version !== 'string') return false;
  return info.icons === undefined && ['title', 'websiteUrl', 'description'].every((key) => info[key] === undefined || typeof info[key] === 'string');
}

/** Client capabilities made of what clients send (tasks, deprecated and nested, is left to the SDK). */
function isPlainCapabilities(capabilities: unknown): boolean {
  if (!isPlainObject(capabilities) || capabilities.tasks !== undefined) return false;
  const { experimental, extensions, sampling, roots, elicitation } = capabilities;
  if (!optional(experimental, recordOfObjects) || !optional(extensions, recordOfObjects)) return false;
  if (!optional(sampling, (value) => isPlainObject(value) && optional(value.context, isPlainObject) && optional(value.tools, isPlainObject))) return false;
  if (!optional(roots, (value) => isPlainObject(value) && optional(value.listChanged, (flag) => typeof flag === 'boolean'))) return false;
  return optional(
    elicitation,
    (value) => isPlainObject(value) && optional(value.url, isPlainObject) && optional(value.form, (form) => isPlainObject(form) && optional(form.applyDefaults, (flag) => typeof flag === 'boolean')),
  );
}

const optional = (value: unknown, check: (value: unknown) => boolean) => value === undefined || check(value);
const recordOfObjects = (value: unknown) => isPlainObject(value) && Object.values(value).every(isPlainObject);
