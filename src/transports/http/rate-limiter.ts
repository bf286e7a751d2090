export interface RateLimitConfig {
  windowSeconds: number;
  max: number;
  /** Bound on tracked clients; the oldest window is forgotten first. */
  maxClients?: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Fixed-window counter per client, in bounded memory. */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly maxClients: number;

  constructor(private readonly config: RateLimitConfig) {
    this.maxClients = config.maxClients ?? 10_000;
  }

  hit(client: string, now = Date.now()): RateDecision {
    const windowMs = this.config.windowSeconds * 1000;
    let window = this.windows.get(client);
    if (!window || now - window.start >= windowMs) {
      this.windows.delete(client);
      this.makeRoom(now, windowMs);
      window = { start: now, count: 0 };
      this.windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= this.config.max) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
  }

  private makeRoom(now: number, windowMs: number): void {
    if (this.windows.size < this.maxClients) return;
    for (const [key, window] of this.windows) if (now - window.start >= windowMs) this.windows.delete(key);
    // Still full: forget the oldest windows (Map order is creation order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxClients) break;
      this.windows.delete(key);
    }
  }
}
