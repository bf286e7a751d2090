import type { HttpBindings } from '@hono/node-server';
import type { AuthInfo } from '@modelcontextprotocol/server';

/** Hono environment shared by every HTTP route and middleware. */
export type AppEnv = {
  Bindings: HttpBindings;
  Variables: {
    /** Set by the auth middleware when the caller presented a valid key. */
    authInfo?: AuthInfo;
    /** The key label, or the client address without keys: who rate limits count against. */
    clientId: string;
  };
};
