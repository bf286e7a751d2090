import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Logger } from '../../observability/logger.js';
import { StorageError } from '../types.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** Background attempts per round; a storage call or a /ready probe starts a new round after that. */
const MAX_ATTEMPTS = 20;
const MIN_FREE_BYTES = 1024 * 1024;

/** DuckDB's own words for "this instance is unusable until it is opened again". */
const isFatal = (error: unknown): boolean => error instanceof Error && /^FATAL Error|database has been invalidated/.test(error.message);
const isDiskFull = (message: string): boolean => /no space left on device/i.test(message);

interface Open {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
}

interface Failure {
  message: string;
  at: string;
  attempts: number;
  waitingForSpace: boolean;
}

/**
 * One DuckDB database file with its connection. A fatal error (DuckDB "invalidates" the database, for
 * example after a checkpoint failed on a full disk) makes every later statement fail until the
 * database is opened again, so the instance is closed and reopened in the background: after a disk-full
 * failure once the disk has room for a checkpoint, retrying with backoff. Meanwhile statements fail
 * fast with a clear error, and `problem()` says what is going on (for /ready).
 */
export class DuckDatabase {
  private current: Open | undefined;
  private failure: Failure | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A reopen attempt is scheduled or running. */
  private pending = false;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly settings: Record<string, string>,
    private readonly log: Logger,
    /** Runs a reopen when no statement is in flight. */
    private readonly exclusive: <T>(task: () => Promise<T>) => Promise<T>,
    private readonly onReopen: () => void,
  ) {}

  static async open(file: string, settings: Record<string, string>, log: Logger, exclusive: <T>(task: () => Promise<T>) => Promise<T>, onReopen: () => void): Promise<DuckDatabase> {
    const database = new DuckDatabase(file, settings, log, exclusive, onReopen);
    try {
      database.current = await database.connect();
    } catch (error) {
      throw new StorageError('CORRUPT', `cannot open DuckDB database ${file}: ${(error as Error).message}`, { cause: error });
    }
    return database;
  }

  /** Runs one statement (or a few) on the connection; call inside `exclusive`. */
  async use<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (!this.current) throw this.unavailable();
    try {
      return await task(this.current.connection);
    } catch (error) {
      if (isFatal(error)) this.invalidated(error as Error);
      throw error;
    }
  }

  /** Why the database cannot serve now, or undefined when it can. Starts a new reopen round if one ended. */
  problem(): string | undefined {
    if (!this.failure) return undefined;
    this.schedule(true);
    const { message, at, attempts, waitingForSpace } = this.failure;
    const state = waitingForSpace ? `waiting for free space on ${dirname(this.file)} to reopen it` : `reopening it (attempt ${attempts + 1})`;
    return `duckdb: the database ${this.file} was invalidated by a fatal error at ${at} (${message}); ${state}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const open = this.current;
    this.current = undefined;
    if (!open) return;
    await open.connection.run('CHECKPOINT').catch(() => undefined);
    this.release(open);
  }

  private async connect(): Promise<Open> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(this.file, this.settings);
    try {
      const connection = await instance.connect();
      await connection.run('CREATE TABLE IF NOT EXISTS _collections (name VARCHAR PRIMARY KEY, dimension INTEGER)');
      return { instance, connection };
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  private release(open: Open): void {
    try {
      open.connection.closeSync();
      open.instance.closeSync();
    } catch (error) {
      this.log.debug({ err: error }, 'closing an invalidated DuckDB instance failed');
    }
  }

  private unavailable(): StorageError {
    return new StorageError('UNAVAILABLE', `${this.problem() ?? 'duckdb: the database is closed'}; try again later`);
  }

  private invalidated(error: Error): void {
    if (this.failure) return;
    const message = error.message
      .replace(/^FATAL Error: /, '')
      .split('\n')
      .at(-1)!
      .replace(/^Original error: /, '');
    this.failure = { message, at: new Date().toISOString(), attempts: 0, waitingForSpace: isDiskFull(message) };
    this.log.error({ err: error, file: this.file }, 'DuckDB invalidated the database after a fatal error; it is reopened in the background');
    const open = this.current;
    this.current = undefined;
    if (open) this.release(open);
    this.schedule();
  }

  /**
   * Schedules the next reopen attempt with backoff. A round has MAX_ATTEMPTS; after that, attempts
   * resume only on demand (a storage call or a readiness probe), so a dead disk costs nothing.
   */
  private schedule(onDemand = false): void {
    const failure = this.failure;
    if (!failure || this.pending || this.closed) return;
    if (failure.attempts >= MAX_ATTEMPTS) {
      if (!onDemand) return;
      failure.attempts = 0;
    }
    this.pending = true;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failure.attempts);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.exclusive(() => this.attempt(failure))
        .catch((error: unknown) => this.log.warn({ err: error }, 'reopening the DuckDB database failed'))
        .finally(() => {
          this.pending = false;
          this.schedule();
        });
    }, delay);
    this.timer.unref();
  }

  private async attempt(failure: Failure): Promise<void> {
    if (this.closed || this.failure !== failure) return;
    failure.attempts++;
    if (failure.waitingForSpace && !(await this.roomForCheckpoint())) return;
    failure.waitingForSpace = false;
    try {
      this.current = await this.connect();
    } catch (error) {
      this.log.warn({ err: error, file: this.file, attempt: failure.attempts }, 'reopening the DuckDB database failed; trying again');
      failure.waitingForSpace = isDiskFull((error as Error).message);
      return;
    }
    this.failure = undefined;
    this.onReopen();
    this.log.warn({ file: this.file, attempts: failure.attempts }, 'DuckDB database reopened after a fatal error');
  }

  /** Opening replays the write-ahead log and checkpoints it: that needs about its size in free space. */
  private async roomForCheckpoint(): Promise<boolean> {
    const wal = await stat(`${this.file}.wal`).then(
      (s) => s.size,
      () => 0,
    );
    const { bavail, bsize } = await statfs(dirname(this.file));
    return bavail * bsize >= wal + MIN_FREE_BYTES;
  }
}
