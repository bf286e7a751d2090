import { CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY, ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';
import type { Caller, Forward, InputRequiredAnswer, JsonObject } from '../modules/forwarded.js';
import { missingCapability } from './client-capabilities.js';
import type { PendingCalls } from './pending-calls.js';
import { UpstreamCall, type Ask, type InFlight } from './upstream-call.js';

export type RelayMethod = 'tools/call' | 'prompts/get' | 'resources/read';

/** A connected upstream as a call needs it. */
export interface Session {
  readonly client: Client;
  readonly era: 'modern' | 'legacy';
  readonly inFlight: InFlight;
}

/** The upstream a relay forwards to (src/upstreams/upstream.ts). */
export interface RelayTarget {
  readonly name: string;
  readonly timeoutMs: number;
  /** The connected session now; throws an error saying why there is none. */
  session(): Session;
  readonly pending: PendingCalls;
  /** One finished call, for the metrics. */
  observe(method: RelayMethod, ok: boolean, seconds: number): void;
}

/** Rounds of input one call may need from a 2025 client for a 2026 upstream. */
const MAX_ROUNDS = 16;
/** The SDK's own request timeout is replaced by the call's (UpstreamCall), which pauses while the client answers. */
const NO_SDK_TIMEOUT = 24 * 3600_000;
const STATE_KEY = 'mcp-server/upstream';
/** Progress tokens this server puts on relayed calls (InFlight routes the upstream's progress by them). */
let progressTokens = 0;

/** What requestState carries for a call relayed to an upstream: bound to the caller, signed by the server. */
interface RelayState {
  upstream: string;
  who: string;
  /** A 2025 upstream's call parked in PendingCalls. */
  pending?: string;
  /** A 2026 upstream's own requestState, handed back to it with the answers. */
  upstreamState?: string;
}

/** The Forward of one upstream definition: `fixed` holds what names it upstream ({ name } or { uri }). */
export function forwarder(target: RelayTarget, method: RelayMethod, fixed: JsonObject): Forward {
  return (params, caller) => relay(target, method, { ...params, ...fixed }, caller);
}

async function relay(target: RelayTarget, method: RelayMethod, params: JsonObject, caller: Caller): Promise<JsonObject | InputRequiredAnswer> {
  const state = relayStateOf(caller.state);
  if (state && (state.upstream !== target.name || state.who !== caller.identity)) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', { reason: 'invalid_request_state' });
  }
  let call: UpstreamCall;
  if (state?.pending) {
    const parked = target.pending.take(state.pending);
    if (!parked)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `The ${method} these answers belong to has ended (it timed out, or upstream "${target.name}" restarted); send the request again without inputResponses`,
      );
    call = parked;
    call.resume(caller);
    call.answer(caller.inputResponses);
  } else {
    // a 2026 upstream's round: its answers (and its own state) go back to it
    const round = state ? { inputResponses: caller.inputResponses ?? {}, ...(state.upstreamState ? { requestState: state.upstreamState } : {}) } : {};
    call = start(target, method, { ...params, ...round }, caller);
  }
  return drive(target, method, params, call, caller);
}

/** Sends the request upstream; the call then tracks it (timeout, cancellation, the upstream's own requests). */
function start(target: RelayTarget, method: RelayMethod, params: JsonObject, caller: Caller): UpstreamCall {
  const session = target.session();
  const what = `upstream "${target.name}": ${method}`;
  const progressToken = caller.wantsProgress ? `mcp-server-${++progressTokens}` : undefined;
  const meta = {
    ...(progressToken ? { progressToken } : {}),
    // a 2026 upstream learns what the calling client can do, and sends every log message (the client's level applies here)
    ...(session.era === 'modern' ? { [LOG_LEVEL_META_KEY]: 'debug', ...(caller.capabilities ? { [CLIENT_CAPABILITIES_META_KEY]: caller.capabilities } : {}) } : {}),
  };
  const wire = Object.keys(meta).length > 0 ? withMeta(params, meta) : params;
  const call = new UpstreamCall((signal) => send(session.client, method, wire, { signal, timeout: NO_SDK_TIMEOUT, allowInputRequired: true }), caller, target.timeoutMs, what);
  session.inFlight.add(call, progressToken);
  void call.done.then(() => target.observe(method, !call.failed, (performance.now() - call.startedAt) / 1000));
  return call;
}

type SendOptions = { signal: AbortSignal; timeout: number; allowInputRequired: true };

function send(client: Client, method: RelayMethod, params: JsonObject, options: SendOptions): Promise<JsonObject> {
  switch (method) {
    case 'tools/call':
      return client.callTool(params as Parameters<Client['callTool']>[0], options) as Promise<JsonObject>;
    case 'prompts/get':
      return client.getPrompt(params as Parameters<Client['getPrompt']>[0], options) as Promise<JsonObject>;
    case 'resources/read':
      return client.readResource(params as Parameters<Client['readResource']>[0], { ...options, cacheMode: 'bypass' }) as Promise<JsonObject>;
  }
}

/**
 * Serves one client request of a call until the call answers, or until the client has to answer
 * something first. A 2025 client is asked directly (real requests on its connection) and the
 * call goes on; a 2026-07-28 client gets input_required, and its next request resumes the call.
 */
async function drive(target: RelayTarget, method: RelayMethod, params: JsonObject, first: UpstreamCall, caller: Caller): Promise<JsonObject | InputRequiredAnswer> {
  let call = first;
  let parked = false;
  const cancel = () => call.cancel(new Error(`${method} cancelled by the client`));
  caller.signal.addEventListener('abort', cancel, { once: true });
  try {
    for (let round = 1; ; round++) {
      const step = await call.next();
      if (step.kind === 'failed') throw step.error;
      if (step.kind === 'done') {
        if (!isInputRequired(step.result)) return step.result;
        // a 2026-07-28 upstream asks for input the multi-round-trip way
        if (caller.era === 'modern') {
          return inputRequired(
            step.result.inputRequests,
            await mint(caller, { upstream: target.name, who: caller.identity, ...(step.result.requestState ? { upstreamState: step.result.requestState } : {}) }),
          );
        }
        if (round >= MAX_ROUNDS) throw new Error(`upstream "${target.name}" asked for input ${MAX_ROUNDS} times in one ${method}; giving up`);
        const inputResponses = await fulfil(step.result.inputRequests ?? {}, caller, target.name);
        call = start(target, method, { ...params, inputResponses, ...(step.result.requestState ? { requestState: step.result.requestState } : {}) }, caller);
        continue;
      }
      // a 2025 upstream sent requests to the client during the call
      if (caller.era === 'legacy') {
        await Promise.all(step.asks.map((ask) => forwardAsk(ask, caller)));
        call.answered();
        continue;
      }
      call.detach();
      parked = true;
      const id = target.pending.park(call);
      const requests = Object.fromEntries(step.asks.map((ask) => [ask.key, { method: ask.method, ...(ask.params ? { params: ask.params } : {}) }]));
      return inputRequired(requests, await mint(caller, { upstream: target.name, who: caller.identity, pending: id }));
    }
  } finally {
    caller.signal.removeEventListener('abort', cancel);
    if (!parked) call.detach();
  }
}

/** A 2025 client answers a 2025 upstream's request directly. */
async function forwardAsk(ask: Ask, caller: Caller): Promise<void> {
  try {
    ask.resolve(await caller.request(ask.method, ask.params, AbortSignal.any([ask.signal, caller.signal])));
  } catch (error) {
    ask.reject(error);
  }
}

/** A 2025 client answers a 2026 upstream's inputRequests: one real request each, all at once. */
async function fulfil(requests: NonNullable<InputRequiredAnswer['inputRequests']>, caller: Caller, upstream: string): Promise<Record<string, JsonObject>> {
  const entries = Object.entries(requests);
  for (const [, request] of entries) {
    const missing = missingCapability(request.method, request.params, caller.capabilities);
    if (missing)
      throw new ProtocolError(
        ProtocolErrorCode.MissingRequiredClientCapability,
        `upstream "${upstream}" needs the client capability ${missing} (${request.method}), which this client did not declare`,
      );
  }
  const answers = await Promise.all(entries.map(async ([key, request]) => [key, await caller.request(request.method, request.params, caller.signal)] as const));
  return Object.fromEntries(answers);
}

function inputRequired(inputRequests: InputRequiredAnswer['inputRequests'], requestState: string): InputRequiredAnswer {
  return { resultType: 'input_required', ...(inputRequests && Object.keys(inputRequests).length > 0 ? { inputRequests } : {}), requestState };
}

const mint = (caller: Caller, state: RelayState) => caller.mintState({ [STATE_KEY]: state });

function relayStateOf(value: unknown): RelayState | undefined {
  const state = (value as Record<string, unknown> | undefined)?.[STATE_KEY] as RelayState | undefined;
  return state && typeof state.upstream === 'string' && typeof state.who === 'string' ? state : undefined;
}

const isInputRequired = (result: JsonObject): result is JsonObject & InputRequiredAnswer => result.resultType === 'input_required';

function withMeta(params: JsonObject, meta: JsonObject): JsonObject {
  return { ...params, _meta: { ...(params._meta as JsonObject | undefined), ...meta } };
}
