import { sessionClosed } from './memory-release.js';

export interface SessionEntry {
  close(): Promise<void>;
}

interface Tracked<T extends SessionEntry> {
  entry: T;
  caller: string;
  lastActive: number;
  busy: number;
}

export interface SessionRegistryOptions {
  max: number;
  /** Sessions one caller (API key, or client address without keys) may hold; never more than `max`. */
  maxPerCaller: number;
  idleTimeoutMs: number;
  onCountChange?(count: number): void;
  onReaped?(id: string): void;
}

/** Whether a new session may open: yes, or which limit refuses it. */
export type Room = 'ok' | 'full' | 'caller-full';

/**
 * Live sessions of one transport, bounded in number (in all and per caller, so one caller cannot
 * take every slot) and in idle time: a session no request has touched for `idleTimeoutMs` (and
 * none is running in) is closed by a reaper, so sessions whose clients vanish without DELETE do not
 * accumulate.
 */
export class SessionRegistry<T extends SessionEntry> {
  private readonly sessions = new Map<string, Tracked<T>>();
  private readonly perCaller = new Map<string, number>();
  private readonly options: SessionRegistryOptions;
  private reaper: NodeJS.Timeout;

  constructor(options: SessionRegistryOptions) {
    this.options = { ...options };
    this.reaper = this.startReaper();
  }

  private startReaper(): NodeJS.Timeout {
    const every = Math.max(250, Math.min(30_000, Math.floor(this.options.idleTimeoutMs / 4)));
    const reaper = setInterval(() => void this.reapIdle(), every);
    reaper.unref();
    return reaper;
  }

  /** New limits (after a reload): they apply to the next new session and the next idle check. */
  resize(limits: { max: number; maxPerCaller: number; idleTimeoutMs: number }): void {
    this.options.maxPerCaller = limits.maxPerCaller;
    if (limits.max === this.options.max && limits.idleTimeoutMs === this.options.idleTimeoutMs) return;
    this.options.max = limits.max;
    this.options.idleTimeoutMs = limits.idleTimeoutMs;
    clearInterval(this.reaper);
    this.reaper = this.startReaper();
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

  /** The per-caller limit in effect. */
  get maxPerCaller(): number {
    return Math.min(this.options.maxPerCaller, this.options.max);
  }

  /** Sessions `caller` holds. */
  heldBy(caller: string): number {
    return this.perCaller.get(caller) ?? 0;
  }

  /** Room for one more session of `caller`? Reaps idle sessions first when a limit is reached. */
  async room(caller: string): Promise<Room> {
    const check = (): Room => (this.sessions.size >= this.options.max ? 'full' : this.heldBy(caller) >= this.maxPerCaller ? 'caller-full' : 'ok');
    if (check() === 'ok') return 'ok';
    await this.reapIdle();
    return check();
  }

  add(id: string, entry: T, caller: string): void {
    this.sessions.set(id, { entry, caller, lastActive: Date.now(), busy: 0 });
    this.perCaller.set(caller, this.heldBy(caller) + 1);
    this.options.onCountChange?.(this.sessions.size);
  }

  /** Forgets a session (it closed itself); does not close it. */
  remove(id: string): void {
    const tracked = this.sessions.get(id);
    if (!tracked) return;
    this.sessions.delete(id);
    sessionClosed();
    const held = this.heldBy(tracked.caller) - 1;
    if (held > 0) this.perCaller.set(tracked.caller, held);
    else this.perCaller.delete(tracked.caller);
    this.options.onCountChange?.(this.sessions.size);
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

  /** Closes (and forgets) every session whose entry matches, e.g. those of a revoked key. */
  async closeWhere(matches: (entry: T) => boolean): Promise<number> {
    const closing = [...this.sessions].filter(([, tracked]) => matches(tracked.entry));
    for (const [id] of closing) this.remove(id);
    await Promise.all(closing.map(([, tracked]) => tracked.entry.close().catch(() => undefined)));
    return closing.length;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.perCaller.clear();
    this.options.onCountChange?.(0);
    await Promise.all(all.map((t) => t.entry.close().catch(() => undefined)));
  }
}
