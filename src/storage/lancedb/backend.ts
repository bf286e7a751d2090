import type * as Lance from '@lancedb/lancedb';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../observability/logger.js';
import type { Backend, BackendOptions } from '../backend.js';
import { documentFromRow } from '../document.js';
import { documentComparator } from '../evaluate.js';
import { META_COLUMNS, ordersByMetaOnly, type Condition, type NormalizedFind } from '../filter.js';
import type { StoredDocument } from '../types.js';
import { documentsToTable, vectorDimension } from './arrow.js';
import { liveClause, sqlString, whereClause } from './where.js';

const BASE_COLUMNS = ['id', 'doc', 'created_at', 'updated_at', 'expires_at'];
const OPTIMIZE_EVERY_WRITES = 100;
/** Old table versions are kept this long for readers in flight, then removed by optimize. */
const KEEP_VERSIONS_MS = 60_000;
const SEARCH = { nprobes: 20, refineFactor: 10 };
const POSTFILTER_SLACK = 10;
const STORAGE_VERSION = '2.2'; // the Lance file format that has the JSON type

interface TableState {
  table: Lance.Table;
  dimension: number | undefined;
  indexed: boolean;
  /** Vectors when the index was trained; it is retrained once the table holds four times as many. */
  indexedRows: number;
  writes: number;
  rowsSinceIndexCheck: number;
}

type Row = Record<string, unknown>;

const rowToDocument = (row: Row): StoredDocument => documentFromRow(row, 'doc');

/** LanceDB: one table per collection in a local directory; filters and vector search run inside Lance. */
export class LanceBackend implements Backend {
  readonly engine = 'lancedb' as const;
  private readonly tables = new Map<string, TableState>();
  /** Tables being created: their directory exists before they can be opened. */
  private readonly creating = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly lancedb: typeof Lance,
    private readonly db: Lance.Connection,
    private readonly path: string,
    private readonly vectorIndexMinRows: number,
    private readonly log: Logger,
  ) {}

  static async open(options: BackendOptions): Promise<LanceBackend> {
    process.env.LANCEDB_LOG ??= 'error';
    const lancedb = await import('@lancedb/lancedb');
    const db = await lancedb.connect(options.path);
    const backend = new LanceBackend(lancedb, db, options.path, options.lancedb.vectorIndexMinRows, options.log);
    await backend.dropUncommittedTables();
    return backend;
  }

  /**
   * A table whose creation failed (a full disk, a crash) can leave a directory with no committed
   * version: listed, but impossible to open or to create again. It holds no data; remove it.
   */
  private async dropUncommittedTables(): Promise<void> {
    for (const name of await this.db.tableNames()) {
      const dir = join(this.path, `${name}.lance`);
      const versions = await readdir(join(dir, '_versions')).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : undefined));
      if (!versions || versions.some((file) => file.endsWith('.manifest'))) continue;
      // no committed version on disk: make sure Lance cannot open it either before removing anything
      const opens = await this.db.openTable(name).then(
        (table) => {
          table.close();
          return true;
        },
        () => false,
      );
      if (opens) continue;
      this.log.warn({ collection: name, dir }, 'removing a LanceDB table whose creation never completed (it holds no data)');
      await this.db.dropTable(name);
    }
  }

  private async state(name: string): Promise<TableState | undefined> {
    await this.creating.get(name);
    const cached = this.tables.get(name);
    if (cached) return cached;
    if (!(await this.db.tableNames()).includes(name)) return undefined;
    // a write may have created it, or begun to, while the names were listed: take what that write made
    if (this.creating.has(name) || this.tables.has(name)) return this.state(name);
    const table = await this.db.openTable(name);
    const indices = await table.listIndices();
    const state: TableState = {
      table,
      dimension: vectorDimension(await table.schema()),
      indexed: indices.some((i) => i.columns.includes('vector')),
      indexedRows: 0,
      writes: 0,
      rowsSinceIndexCheck: Number.POSITIVE_INFINITY,
    };
    this.tables.set(name, state);
    return state;
  }

  private columns(state: TableState): string[] {
    return state.dimension === undefined ? BASE_COLUMNS : [...BASE_COLUMNS, 'vector'];
  }

  private async rows(state: TableState, where: string, orderBy?: Lance.ColumnOrdering[], limit?: number, offset?: number): Promise<StoredDocument[]> {
    let query = state.table.query().where(where).select(this.columns(state));
    if (orderBy) query = query.orderBy(orderBy);
    if (limit !== undefined) query = query.limit(limit);
    if (offset) query = query.offset(offset);
    return ((await query.toArray()) as Row[]).map(rowToDocument);
  }

  async listCollections(): Promise<string[]> {
    return this.db.tableNames();
  }

  async getMany(collection: string, ids: string[], now: number): Promise<Map<string, StoredDocument>> {
    const state = await this.state(collection);
    if (!state || ids.length === 0) return new Map();
    const docs = await this.rows(state, `id IN (${ids.map(sqlString).join(', ')}) AND ${liveClause(now)}`, undefined, ids.length);
    return new Map(docs.map((d) => [d.id, d]));
  }

  async upsert(collection: string, documents: StoredDocument[]): Promise<void> {
    if (documents.length === 0) return;
    const dimension = documents.find((d) => d.vector)?.vector?.length;
    let state = await this.state(collection);
    if (!state) {
      const creation = this.db.createEmptyTable(collection, documentsToTable([], dimension).schema, { dataStorageVersion: STORAGE_VERSION }).catch(async (error: unknown) => {
        // a creation cut short (a full disk) leaves a table that can neither be opened nor created again
        await this.db.dropTable(collection).catch(() => undefined);
        throw error;
      });
      this.creating.set(
        collection,
        creation.catch(() => undefined),
      );
      const table = await creation.finally(() => this.creating.delete(collection));
      state = { table, dimension, indexed: false, indexedRows: 0, writes: 0, rowsSinceIndexCheck: 0 };
      this.tables.set(collection, state);
    } else if (state.dimension === undefined && dimension !== undefined) {
      state = await this.addVectorColumn(collection, state, dimension);
    }
    await state.table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(documentsToTable(documents, state.dimension));
    state.rowsSinceIndexCheck += documents.length;
    await this.maintain(state);
  }

  /** The first vector of a collection created without one: rewrite the table with a vector column. */
  private async addVectorColumn(collection: string, state: TableState, dimension: number): Promise<TableState> {
    const all = await this.rows(state, 'true');
    const table = await this.db.createTable(collection, documentsToTable(all, dimension), { mode: 'overwrite', dataStorageVersion: STORAGE_VERSION });
    const next: TableState = { ...state, table, dimension };
    this.tables.set(collection, next);
    return next;
  }

  /**
   * Housekeeping after a write that is already committed: its failure (a full disk) must not turn the
   * answer to that write into an error, so it is logged and tried again at a later write.
   */
  private async maintain(state: TableState): Promise<void> {
    try {
      await this.optimizeAndIndex(state);
    } catch (error) {
      this.log.warn({ err: error }, 'LanceDB maintenance (compaction or vector index) failed; retried at a later write');
    }
  }

  private async optimizeAndIndex(state: TableState): Promise<void> {
    if (++state.writes % OPTIMIZE_EVERY_WRITES === 0) {
      await state.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
    }
    if (state.dimension === undefined || state.rowsSinceIndexCheck < Math.min(1000, this.vectorIndexMinRows)) return;
    state.rowsSinceIndexCheck = 0;
    const vectors = await state.table.countRows('vector IS NOT NULL');
    if (vectors < this.vectorIndexMinRows || (state.indexed && vectors < 4 * state.indexedRows)) return;
    // Rows added after training are searched exactly and folded into the index by optimize.
    await state.table.createIndex('vector', {
      replace: true,
      config: this.lancedb.Index.ivfPq({
        distanceType: 'cosine',
        numPartitions: Math.max(1, Math.min(256, Math.round(Math.sqrt(vectors)))),
        numSubVectors: state.dimension % 16 === 0 ? state.dimension / 16 : state.dimension % 8 === 0 ? state.dimension / 8 : 1,
      }),
    });
    state.indexed = true;
    state.indexedRows = vectors;
  }

  async delete(collection: string, id: string, now: number): Promise<boolean> {
    const state = await this.state(collection);
    if (!state) return false;
    const where = `id = ${sqlString(id)}`;
    const live = await state.table.countRows(`${where} AND ${liveClause(now)}`);
    await state.table.delete(where);
    await this.maintain(state);
    return live > 0;
  }

  async find(collection: string, query: NormalizedFind, now: number): Promise<StoredDocument[]> {
    const state = await this.state(collection);
    if (!state) return [];
    const where = whereClause(query.filter, now);
    if (ordersByMetaOnly(query.orderBy)) {
      const orderBy = query.orderBy.map((o): Lance.ColumnOrdering => ({ columnName: o.field.kind === 'meta' ? META_COLUMNS[o.field.name] : 'id', ascending: !o.desc, nullsFirst: !o.desc }));
      orderBy.push({ columnName: 'id', ascending: true, nullsFirst: true });
      return this.rows(state, where, orderBy, query.limit, query.offset);
    }
    // Ordering by a data field: Lance cannot sort on JSON expressions, so the filtered rows are sorted here.
    const docs = await this.rows(state, where);
    return docs.sort(documentComparator(query.orderBy)).slice(query.offset, query.offset + query.limit);
  }

  async count(collection: string, filter: Condition | undefined, now: number): Promise<number> {
    const state = await this.state(collection);
    return state ? state.table.countRows(whereClause(filter, now)) : 0;
  }

  async search(collection: string, vector: number[], k: number, filter: Condition | undefined, now: number): Promise<StoredDocument[]> {
    const state = await this.state(collection);
    if (!state || state.dimension === undefined) return [];
    const query = (limit: number) =>
      state.table
        .vectorSearch(vector)
        .column('vector')
        .distanceType('cosine')
        .where(`vector IS NOT NULL AND ${whereClause(filter, now)}`)
        .select(this.columns(state))
        .nprobes(SEARCH.nprobes)
        .refineFactor(SEARCH.refineFactor)
        .limit(limit);
    // Without a user filter only the expiry check remains, which rarely removes anything: filtering the
    // nearest candidates after the search is much cheaper than evaluating every row first. Too few
    // survivors means many expired neighbours; then search again with the filter applied first.
    if (!filter) {
      const rows = (await query(k + POSTFILTER_SLACK)
        .postfilter()
        .toArray()) as Row[];
      if (rows.length >= k) return rows.slice(0, k).map(rowToDocument);
    }
    return ((await query(k).toArray()) as Row[]).map(rowToDocument);
  }

  async dimension(collection: string): Promise<number | undefined> {
    return (await this.state(collection))?.dimension;
  }

  async purgeExpired(collection: string, now: number): Promise<number> {
    const state = await this.state(collection);
    if (!state) return 0;
    const where = `expires_at IS NOT NULL AND expires_at <= ${now}`;
    const expired = await state.table.countRows(where);
    if (expired > 0) await state.table.delete(where);
    return expired;
  }

  async *exportDocuments(collection: string, now: number): AsyncIterable<StoredDocument> {
    const state = await this.state(collection);
    if (!state) return;
    yield* await this.rows(state, liveClause(now), [{ columnName: 'id', ascending: true, nullsFirst: true }]);
  }

  /** Compacts files and removes old versions (repair). */
  async compact(collection: string): Promise<Lance.OptimizeStats | undefined> {
    const state = await this.state(collection);
    return state?.table.optimize({ cleanupOlderThan: new Date() });
  }

  async close(): Promise<void> {
    for (const state of this.tables.values()) state.table.close();
    this.tables.clear();
    this.db.close();
  }
}
