import type { Client, McpSubscription } from '@modelcontextprotocol/client';
import { errorMessage } from '../modules/registry.js';
import type { Logger } from '../observability/logger.js';

/**
 * The resource subscriptions one connection holds at its upstream, brought in line with a wanted
 * set of URIs: a 2025 upstream gets resources/subscribe and resources/unsubscribe per URI; a
 * 2026-07-28 upstream gets one subscriptions/listen stream for the whole set, opened anew when the
 * set changes (the new one before the old one closes, so no update falls between them). Its
 * notifications/resources/updated reach the session's notification handler either way.
 */
export class SessionSubscriptions {
  private readonly subscribed = new Set<string>();
  private stream: { key: string; subscription: McpSubscription } | undefined;

  constructor(
    private readonly client: Client,
    private readonly era: 'modern' | 'legacy',
    private readonly timeoutMs: number,
    private readonly log: Logger,
    /** A 2026 stream the upstream ended: the connection is treated as lost (as for its change stream). */
    private readonly lose: (why: string) => void,
  ) {}

  /** Subscribes to what `wanted` adds and unsubscribes from what it drops. Never throws: a failure is logged, and tried again next time. */
  async set(wanted: ReadonlySet<string>): Promise<void> {
    if (this.era === 'modern') return this.listen(wanted);
    for (const uri of wanted) {
      if (this.subscribed.has(uri)) continue;
      try {
        await this.client.subscribeResource({ uri }, { timeout: this.timeoutMs });
        this.subscribed.add(uri);
      } catch (error) {
        this.log.warn({ uri, reason: errorMessage(error) }, 'subscribing to a resource at the upstream failed');
      }
    }
    for (const uri of [...this.subscribed]) {
      if (wanted.has(uri)) continue;
      this.subscribed.delete(uri);
      await this.client.unsubscribeResource({ uri }, { timeout: this.timeoutMs }).catch((error: unknown) => {
        this.log.warn({ uri, reason: errorMessage(error) }, 'unsubscribing from a resource at the upstream failed');
      });
    }
  }

  private async listen(wanted: ReadonlySet<string>): Promise<void> {
    const uris = [...wanted].sort();
    const key = uris.join('\n');
    const previous = this.stream;
    if (key === (previous?.key ?? '')) return;
    if (uris.length > 0) {
      try {
        const subscription = await this.client.listen({ resourceSubscriptions: uris }, { timeout: this.timeoutMs });
        const stream = { key, subscription };
        this.stream = stream;
        void subscription.closed.then((how) => {
          if (how !== 'local' && this.stream === stream)
            this.lose(how === 'graceful' ? 'the upstream ended its resource subscription stream (shutting down)' : 'the resource subscription stream dropped');
        });
      } catch (error) {
        // the previous stream (if any) stays: its updates are better than none
        return this.log.warn({ uris, reason: errorMessage(error) }, 'subscribing to resources at the upstream (subscriptions/listen) failed');
      }
    } else this.stream = undefined;
    await previous?.subscription.close();
  }
}
