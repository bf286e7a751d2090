import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Backend, BackendOptions } from '../backend.js';
import { checkCollectionName, documentFromRow } from '../document.js';
import type { Condition, NormalizedFind } from '../filter.js';
import type { StoredDocument } from '../types.js';
import { WriteQueue } from '../write-queue.js';
import { DuckDatabase } from './database.js';
import { SqlBuilder } from './sql.js';

export const DUCKDB_FILE = 'storage.duckdb';
const COLUMNS = 'id, data, vector, created_at, updated_at, expires_at';
const EXPORT_PAGE = 1000;

/** Table names come from validated collection names only, and are always quoted. */
const table = (collection: string): string => `"c_${checkCollectionName(collection)}"`;

type Row = Record<string, unknown>;

const rowToDocument = (row: Row): StoredDocument => documentFromRow(row, 'data');

/** DuckDB: one database file, one table per collection, a JSON data column, FLOAT[] vectors. */
export class DuckBackend implements Backend {
  readonly engine = 'duckdb' as const;
  /** One connection, used by one statement at a time. */
  private readonly serial = new WriteQueue<never>(async () => {});
  private readonly dimensions = new Map<string, number | undefined>();
  private database!: DuckDatabase;

  private constructor() {}

  static async open(options: BackendOptions): Promise<DuckBackend> {
    await mkdir(options.path, { recursive: true });
    const settings: Record<string, string> = {};
    if (options.duckdb.threads) settings.threads = String(options.duckdb.threads);
    if (options.duckdb.memoryLimit) settings.memory_limit = options.duckdb.memoryLimit;
    const backend = new DuckBackend();
    backend.database = await DuckDatabase.open(
      join(options.path, DUCKDB_FILE),
      settings,
      options.log,
      (task) => backend.serial.run(task),
      () => backend.dimensions.clear(),
    );
    return backend;
  }

  private run<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial.run(() => this.database.use(task));
  }

  /** Why the database cannot serve now (DuckDB invalidated it after a fatal error), if it cannot. */
  problem(): string | undefined {
    return this.database.problem();
  }

  private async rows(sql: string, params: SqlBuilder['params']): Promise<Row[]> {
    return this.run(async (c) => (await c.runAndReadAll(sql, params)).getRowObjectsJS() as Row[]);
  }

  private async exists(collection: string): Promise<boolean> {
    if (this.dimensions.has(collection)) return true;
    const rows = await this.rows('SELECT dimension FROM _collections WHERE name = $1', [collection]);
    if (rows.length === 0) return false;
    this.dimensions.set(collection, (rows[0]!.dimension as number | null) ?? undefined);
    return true;
  }

  async listCollections(): Promise<string[]> {
    return (await this.rows('SELECT name FROM _collections', [])).map((r) => r.name as string);
  }

  async getMany(collection: string, ids: string[], now: number): Promise<Map<string, StoredDocument>> {
    if (ids.length === 0 || !(await this.exists(collection))) return new Map();
    const q = new SqlBuilder();
    const sql = `SELECT ${COLUMNS} FROM ${table(collection)} WHERE id IN (SELECT unnest(CAST(${q.param(JSON.stringify(ids))} AS VARCHAR[]))) AND ${q.live(now)}`;
    return new Map((await this.rows(sql, q.params)).map((r) => [r.id as string, rowToDocument(r)]));
  }

  private async create(collection: string, dimension: number | undefined): Promise<void> {
    await this.run(async (c) => {
      await c.run(
        `CREATE TABLE IF NOT EXISTS ${table(collection)} (id VARCHAR PRIMARY KEY, data JSON NOT NULL, vector FLOAT[], created_at DOUBLE NOT NULL, updated_at DOUBLE NOT NULL, expires_at DOUBLE)`,
      );
      await c.run('INSERT INTO _collections VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET dimension = excluded.dimension', [collection, dimension ?? null]);
    });
    this.dimensions.set(collection, dimension);
  }

  async upsert(collection: string, documents: StoredDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const dimension = documents.find((d) => d.vector)?.vector?.length;
    if (!(await this.exists(collection)) || (this.dimensions.get(collection) === undefined && dimension !== undefined)) {
      await this.create(collection, dimension);
    }
    const unique = [...new Map(documents.map((d) => [d.id, d])).values()];
    // One statement per batch: the documents travel as one JSON parameter and are unpacked by DuckDB.
    const sql = `INSERT INTO ${table(collection)} SELECT j->>'id', j->'data', CAST(j->'vector' AS FLOAT[]), CAST(j->>'createdAt' AS DOUBLE), CAST(j->>'updatedAt' AS DOUBLE), CAST(j->>'expiresAt' AS DOUBLE)
      FROM (SELECT unnest(CAST($1 AS JSON[])) AS j)
      ON CONFLICT (id) DO UPDATE SET data = excluded.data, vector = excluded.vector, created_at = excluded.created_at, updated_at = excluded.updated_at, expires_at = excluded.expires_at`;
    await this.run((c) => c.run(sql, [JSON.stringify(unique)]));
  }

  async delete(collection: string, id: string, now: number): Promise<boolean> {
    if (!(await this.exists(collection))) return false;
    const q = new SqlBuilder();
    const rows = await this.rows(`DELETE FROM ${table(collection)} WHERE id = ${q.param(id)} RETURNING expires_at`, q.params);
    return rows.some((r) => r.expires_at === null || (r.expires_at as number) > now);
  }

  async find(collection: string, query: NormalizedFind, now: number): Promise<StoredDocument[]> {
    if (!(await this.exists(collection))) return [];
    const q = new SqlBuilder();
    const where = q.filter(query.filter, now);
    const sql = `SELECT ${COLUMNS} FROM ${table(collection)} WHERE ${where} ORDER BY ${q.orderBy(query.orderBy)} LIMIT ${q.param(query.limit)} OFFSET ${q.param(query.offset)}`;
    return (await this.rows(sql, q.params)).map(rowToDocument);
  }

  async count(collection: string, filter: Condition | undefined, now: number): Promise<number> {
    if (!(await this.exists(collection))) return 0;
    const q = new SqlBuilder();
    const rows = await this.rows(`SELECT count(*) AS n FROM ${table(collection)} WHERE ${q.filter(filter, now)}`, q.params);
    return Number(rows[0]!.n);
  }

  async search(collection: string, vector: number[], k: number, filter: Condition | undefined, now: number): Promise<StoredDocument[]> {
    const dimension = await this.dimension(collection);
    if (dimension === undefined) return [];
    const q = new SqlBuilder();
    const type = `FLOAT[${Number(dimension)}]`; // an integer read from our own catalog
    const score = `array_cosine_similarity(CAST(vector AS ${type}), CAST(${q.param(JSON.stringify(vector))} AS ${type}))`;
    const sql = `SELECT ${COLUMNS} FROM ${table(collection)} WHERE vector IS NOT NULL AND ${q.filter(filter, now)} ORDER BY ${score} DESC, id ASC LIMIT ${q.param(k)}`;
    return (await this.rows(sql, q.params)).map(rowToDocument);
  }

  async dimension(collection: string): Promise<number | undefined> {
    return (await this.exists(collection)) ? this.dimensions.get(collection) : undefined;
  }

  async purgeExpired(collection: string, now: number): Promise<number> {
    if (!(await this.exists(collection))) return 0;
    const q = new SqlBuilder();
    const rows = await this.rows(`DELETE FROM ${table(collection)} WHERE expires_at IS NOT NULL AND expires_at <= ${q.param(now)} RETURNING id`, q.params);
    return rows.length;
  }

  async *exportDocuments(collection: string, now: number): AsyncIterable<StoredDocument> {
    if (!(await this.exists(collection))) return;
    let after: string | undefined;
    for (;;) {
      const q = new SqlBuilder();
      const from = after === undefined ? '' : `AND id > ${q.param(after)}`;
      const rows = await this.rows(`SELECT ${COLUMNS} FROM ${table(collection)} WHERE ${q.live(now)} ${from} ORDER BY id LIMIT ${EXPORT_PAGE}`, q.params);
      for (const row of rows) yield rowToDocument(row);
      if (rows.length < EXPORT_PAGE) return;
      after = rows.at(-1)!.id as string;
    }
  }

  /** Writes the WAL into the database file (repair). */
  async checkpoint(): Promise<void> {
    await this.run((c) => c.run('CHECKPOINT'));
  }

  async close(): Promise<void> {
    await this.serial.run(() => this.database.close());
  }
}
