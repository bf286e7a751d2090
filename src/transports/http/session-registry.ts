export interface SessionEntry {
  close(): Promise<void>;
}

interface Tracked<T extends SessionEntry> {
  entry: T;
  lastActive: number;
  busy: number;
}

export interface SessionRegistryOptions {
  max: number;
  idleTimeoutMs: number;
  onCountChange?(count: number): void;
  onReaped?(id: string): void;
}

/**
 * Live sessions of one transport, bounded in number and in idle time: a session no request has
 * touched for `idleTimeoutMs` (and none is running in) is closed by a reaper, so sessions whose
 * clients vanish without DELETE do not accumulate.
 */
export class SessionRegistry<T extends SessionEntry> {
  private readonly sessions = new Map<string, Tracked<T>>();
  private readonly reaper: NodeJS.Timeout;

  constructor(private readonly options: SessionRegistryOptions) {
    const every = Math.max(250, Math.min(30_000, Math.floor(options.idleTimeoutMs / 4)));
    this.reaper = setInterval(() => void this.reapIdle(), every);
    this.reaper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): T | undefined {
    return this.sessions.get(id)?.entry;
  }

  values(): T[] {
    return [...this.sessions.values()].map((t) => t.entry);
  }

  /** Room for one more? Reaps idle sessions first when the registry is full. */
  async hasRoom(): Promise<boolean> {
    if (this.sessions.size < this.options.max) return true;
    await this.reapIdle();
    return this.sessions.size < this.options.max;
  }

  add(id: string, entry: T): void {
    this.sessions.set(id, { entry, lastActive: Date.now(), busy: 0 });
    this.options.onCountChange?.(this.sessions.size);
  }

  /** Forgets a session (it closed itself); does not close it. */
  remove(id: string): void {
    if (this.sessions.delete(id)) this.options.onCountChange?.(this.sessions.size);
  }

  /** Marks a request running in the session; call the returned function when it ends. */
  begin(id: string): () => void {
    const tracked = this.sessions.get(id);
    if (!tracked) return () => undefined;
    tracked.busy += 1;
    tracked.lastActive = Date.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      tracked.busy -= 1;
      tracked.lastActive = Date.now();
    };
  }

  async reapIdle(now = Date.now()): Promise<void> {
    const idle = [...this.sessions].filter(([, t]) => t.busy === 0 && now - t.lastActive >= this.options.idleTimeoutMs);
    await Promise.all(
      idle.map(async ([id, tracked]) => {
        this.remove(id);
        this.options.onReaped?.(id);
        await tracked.entry.close().catch(() => undefined);
      }),
    );
  }

  async closeAll(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.options.onCountChange?.(0);
    await Promise.all(all.map((t) => t.entry.close().catch(() => undefined)));
  }
}
