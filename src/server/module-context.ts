import { CLIENT_CAPABILITIES_META_KEY, inputRequired, inputResponse, type InputRequest, type ServerContext } from '@modelcontextprotocol/server';
import type { InputAnswer, InputAsk, ModuleContext, ModuleLog } from '../modules/types.js';
import { identityOf } from './caller.js';
import { publishListChanged } from './events.js';
import type { StateBinding } from './request-state.js';
import type { Runtime } from './runtime.js';

interface ContextOptions {
  runtime: Runtime;
  moduleName: string;
  /** The SDK's request context; absent for calls that are not requests (completion callbacks). */
  request?: ServerContext;
  /** The handler's signal, or a function that makes it (called when the handler first reads ctx.signal). */
  signal: AbortSignal | (() => AbortSignal);
  /** Capabilities the client declared at a 2025 initialize (2026 requests carry theirs in the envelope). */
  sessionCapabilities?: () => Record<string, unknown> | undefined;
  /** The call that state passed to ctx.ask belongs to; without it, ctx.ask cannot carry state. */
  binding?: StateBinding;
  /** The request state is bound to when it is not `request` (a task's rounds: the request that created it). */
  stateRequest?: ServerContext;
}

/** Builds the `ctx` a module handler receives, on either protocol generation. */
export function createModuleContext({ runtime, moduleName, request, signal, sessionCapabilities, binding, stateRequest = request }: ContextOptions): ModuleContext {
  // made on first use: most calls never log nor look at their signal, and both cost more than a short tool
  let log: ModuleLog | undefined;
  let abortSignal = typeof signal === 'function' ? undefined : signal;
  const mint = (state: unknown) => {
    if (!binding || !stateRequest) throw new Error('state can only be carried by a tool call, prompt get or resource read');
    return runtime.requestState.mint(state, stateRequest, binding);
  };
  const ask = async (requests: Record<string, InputAsk>, state?: unknown) =>
    inputRequired({
      inputRequests: Object.fromEntries(Object.entries(requests).map(([key, value]) => [key, toInputRequest(value)])),
      ...(state === undefined ? {} : { requestState: await mint(state) }),
    });
  return {
    storage: runtime.storage,
    get log() {
      return (log ??= moduleLog(runtime, moduleName, request));
    },
    get signal() {
      return (abortSignal ??= (signal as () => AbortSignal)());
    },
    async progress(done, total, message) {
      const token = request?.mcpReq._meta?.progressToken;
      if (token === undefined || !request) return;
      await request.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken: token, progress: done, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) },
      });
    },
    elicit: (key, params, state) => ask({ [key]: { elicit: params } }, state),
    sample: (key, params, state) => ask({ [key]: { sample: params } }, state),
    ask,
    input: (key) => inputResponse(request?.mcpReq.inputResponses, key) as InputAnswer,
    state: <T>() => (binding && request ? boundState(runtime, request, binding) : undefined) as T | undefined,
    embed: runtime.embed,
    ...(request ? { auth: identityOf(request) } : {}),
    config: runtime.config.modules[moduleName] ?? {},
    era: request?.mcpReq.envelope ? 'modern' : 'legacy',
    ...clientCapabilitiesOf(request, sessionCapabilities),
    notify: {
      resourceUpdated: (uri) => runtime.events.publish({ kind: 'resource_updated', uri }),
      listChanged: (...lists) => publishListChanged(runtime.events, lists.length > 0 ? lists : ['tools', 'resources', 'prompts']),
    },
    closeStream: () => request?.http?.closeSSE?.(),
  };
}

function clientCapabilitiesOf(request: ServerContext | undefined, sessionCapabilities: ContextOptions['sessionCapabilities']) {
  const envelope = request?.mcpReq.envelope as Record<string, unknown> | undefined;
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? sessionCapabilities?.();
  return capabilities ? { clientCapabilities: capabilities as Record<string, unknown> } : {};
}

function toInputRequest(ask: InputAsk): InputRequest {
  if ('elicit' in ask) return inputRequired.elicit(ask.elicit as Parameters<typeof inputRequired.elicit>[0]);
  if ('sample' in ask) return inputRequired.createMessage(ask.sample as Parameters<typeof inputRequired.createMessage>[0]);
  return inputRequired.listRoots();
}

/**
 * This round's state. The SDK has verified the payload (integrity, expiry, caller, method); it must
 * also belong to this call, else the request is refused (-32602).
 */
export function boundState(runtime: Runtime, request: ServerContext, binding: StateBinding): unknown {
  const payload = request.mcpReq.requestState();
  return payload === undefined ? undefined : runtime.requestState.unseal(payload, binding);
}

const CLIENT_LEVEL = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' } as const;

/** Logs to the server log and, when a request is in flight, to the client as notifications/message. */
function moduleLog(runtime: Runtime, moduleName: string, request: ServerContext | undefined): ModuleLog {
  const serverLog = runtime.log.child({ module: moduleName });
  const emit = (level: keyof typeof CLIENT_LEVEL) => (message: string, data?: unknown) => {
    serverLog[level](data === undefined ? {} : { data }, message);
    request?.mcpReq.log(CLIENT_LEVEL[level], data === undefined ? message : { message, data }, moduleName).catch(() => undefined);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
