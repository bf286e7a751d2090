import type { Collection, CollectionName, FindQuery, Filter, Json, PutOptions, SearchOptions, Storage } from '../storage/types.js';
import type { Metrics } from './metrics.js';

type Op = 'get' | 'put' | 'delete' | 'find' | 'count' | 'search';

/**
 * The storage modules get, with every collection operation timed in
 * `mcp_storage_operation_duration_seconds{engine,op}`.
 */
export function instrumentStorage(storage: Storage, metrics: Metrics): Storage {
  const histogram = metrics.storageDuration;
  const time = async <T>(op: Op, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      histogram.observe({ engine: storage.engine, op }, (performance.now() - started) / 1000);
    }
  };

  class TimedCollection<T> implements Collection<T> {
    constructor(private readonly inner: Collection<T>) {}
    get name() {
      return this.inner.name;
    }
    get(id: string) {
      return time('get', () => this.inner.get(id));
    }
    put(id: string, data: T, options?: PutOptions) {
      return time('put', () => this.inner.put(id, data, options));
    }
    delete(id: string) {
      return time('delete', () => this.inner.delete(id));
    }
    find(query?: FindQuery) {
      return time('find', () => this.inner.find(query));
    }
    count(filter?: Filter) {
      return time('count', () => this.inner.count(filter));
    }
    search(vector: number[], options?: SearchOptions) {
      return time('search', () => this.inner.search(vector, options));
    }
  }

  const collection = <T = Json>(name: CollectionName<T>) => new TimedCollection<T>(storage.collection<T>(name));
  // Everything but collection() passes straight through, whatever the Storage interface grows.
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'collection') return collection;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
