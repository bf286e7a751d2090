import { createHash, randomBytes } from 'node:crypto';
import { createRequestStateCodec, ProtocolError, ProtocolErrorCode, type ServerContext } from '@modelcontextprotocol/server';
import { callerOf } from './caller.js';

/** The call a piece of state belongs to, besides its caller and method: the definition and its (validated) arguments. */
export interface StateBinding {
  target: string;
  args: unknown;
}

/** What travels (signed) through the client: the module's state and a digest of the call it belongs to. */
interface Sealed {
  state: unknown;
  call: string;
}

/**
 * Multi-round-trip requestState, signed and bound: state minted for one caller (API key), method,
 * definition and set of arguments is refused for any other. The SDK's codec checks integrity, expiry,
 * caller and method on every request (its `bind` option); the definition and arguments are checked
 * here, where they are known: `open` before a tools/call reaches the SDK, `unseal` in a handler.
 */
export interface RequestState {
  /** Seals `state` for a round trip of `request`'s call (`request`: the one that started it). */
  mint(state: unknown, request: ServerContext, binding: StateBinding): Promise<string>;
  /** ServerOptions.requestState.verify: integrity, expiry, caller and method. */
  verify(raw: string, request: ServerContext): Promise<unknown>;
  /** A verified payload's module state, if it was minted for `binding`; else the invalid-state error. */
  unseal(payload: unknown, binding: StateBinding): unknown;
  /** `verify` then `unseal`, for state the SDK has not seen yet. */
  open(raw: unknown, request: ServerContext, binding: StateBinding): Promise<unknown>;
}

export interface RequestStateOptions {
  /** A shared secret (any length; hashed to the codec's 32-byte key), or none for a random per-process key. */
  secret?: string;
  ttlSeconds: number;
}

export function createRequestState({ secret, ttlSeconds }: RequestStateOptions): RequestState {
  const key = secret === undefined ? randomBytes(32) : createHash('sha256').update(`mcp-server requestState\0${secret}`).digest();
  const codec = createRequestStateCodec<Sealed>({ key, ttlSeconds, bind: (request) => `${callerOf(request)}\0${request.mcpReq.method}` });
  const unseal = (payload: unknown, binding: StateBinding): unknown => {
    const sealed = payload as Partial<Sealed> | undefined;
    if (typeof sealed !== 'object' || sealed === null || sealed.call !== callDigest(binding)) throw invalidState();
    return sealed.state;
  };
  return {
    mint: (state, request, binding) => codec.mint({ state, call: callDigest(binding) }, request),
    verify: (raw, request) => codec.verify(raw, request),
    unseal,
    async open(raw, request, binding) {
      let payload: unknown;
      try {
        if (typeof raw !== 'string') throw new Error('malformed');
        payload = await codec.verify(raw, request);
      } catch {
        throw invalidState();
      }
      return unseal(payload, binding);
    },
  };
}

/** The error the SDK answers for state that fails verification (the spec's -32602). */
const invalidState = () => new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid or expired requestState', { reason: 'invalid_request_state' });

function callDigest({ target, args }: StateBinding): string {
  return createHash('sha256')
    .update(canonicalJson([target, args ?? null]))
    .digest('base64url');
}

/** JSON with object keys sorted, so equal arguments give one digest whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
