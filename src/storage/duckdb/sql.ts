import { META_COLUMNS, type Condition, type FieldRef, type MetaField, type OrderKey } from '../filter.js';

/**
 * Compiles filters and orderings into DuckDB SQL. Every user value (paths included) is a bound
 * parameter; only fixed SQL text is concatenated. Every leaf is two-valued (COALESCE(..., false)).
 */

const NUMERIC = `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;
const OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export const jsonPath = (path: string[]): string => `$${path.map((key) => `."${key}"`).join('')}`;

export class SqlBuilder {
  readonly params: Array<string | number | boolean | null> = [];

  param(value: string | number | boolean | null): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  where(condition: Condition): string {
    switch (condition.kind) {
      case 'and':
        return condition.items.length === 0 ? 'true' : `(${condition.items.map((c) => this.where(c)).join(' AND ')})`;
      case 'or':
        return condition.items.length === 0 ? 'false' : `(${condition.items.map((c) => this.where(c)).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.where(condition.item)})`;
      default:
        return `COALESCE(${condition.field.kind === 'meta' ? this.metaLeaf(condition.field.name, condition) : this.dataLeaf(condition.field.path, condition)}, false)`;
    }
  }

  private metaLeaf(name: MetaField, condition: Condition): string {
    const column = META_COLUMNS[name];
    const wanted = name === 'id' ? 'string' : 'number';
    switch (condition.kind) {
      case 'exists':
        return `${column} IS NOT NULL`;
      case 'eq':
        return typeof condition.value === wanted ? `${column} = ${this.param(condition.value)}` : 'false';
      case 'cmp':
        return typeof condition.value === wanted ? `${column} ${OPS[condition.op]} ${this.param(condition.value)}` : 'false';
      case 'startsWith':
        return wanted === 'string' ? `starts_with(${column}, ${this.param(condition.value)})` : 'false';
      default:
        return 'false';
    }
  }

  /** A predicate on one JSON value `json` (an expression) being equal to a scalar. */
  private scalarEquals(json: (type: boolean) => string, value: string | number | boolean | null): string {
    if (value === null) return `${json(true)} = 'NULL'`;
    if (typeof value === 'boolean') return `(${json(true)} = 'BOOLEAN' AND ${json(false)} = ${this.param(String(value))})`;
    if (typeof value === 'number') return `(${json(true)} IN ${NUMERIC} AND TRY_CAST(${json(false)} AS DOUBLE) = ${this.param(value)})`;
    return `(${json(true)} = 'VARCHAR' AND ${json(false)} = ${this.param(value)})`;
  }

  private dataLeaf(path: string[], condition: Condition): string {
    const p = this.param(jsonPath(path));
    const field = (type: boolean) => (type ? `json_type(data, ${p})` : `json_extract_string(data, ${p})`);
    switch (condition.kind) {
      case 'exists':
        return `json_type(data, ${p}) <> 'NULL'`;
      case 'eq':
        return this.scalarEquals(field, condition.value);
      case 'cmp': {
        const op = OPS[condition.op];
        return typeof condition.value === 'number'
          ? `(json_type(data, ${p}) IN ${NUMERIC} AND TRY_CAST(json_extract_string(data, ${p}) AS DOUBLE) ${op} ${this.param(condition.value)})`
          : `(json_type(data, ${p}) = 'VARCHAR' AND json_extract_string(data, ${p}) ${op} ${this.param(condition.value)})`;
      }
      case 'startsWith':
        return `(json_type(data, ${p}) = 'VARCHAR' AND starts_with(json_extract_string(data, ${p}), ${this.param(condition.value)}))`;
      case 'contains': {
        const elements = this.param(`${jsonPath(path)}[*]`);
        const element = (type: boolean) => (type ? 'json_type(e)' : `json_extract_string(e, '$')`);
        return `(json_type(data, ${p}) = 'ARRAY' AND len(list_filter(json_extract(data, ${elements}), lambda e: ${this.scalarEquals(element, condition.value)})) > 0)`;
      }
      default:
        return 'false';
    }
  }

  /** ORDER BY terms implementing the shared ordering (see evaluate.ts): type rank, then value; ties by id. */
  orderBy(keys: OrderKey[]): string {
    const terms = keys.flatMap((key) => this.orderTerms(key.field).map((t) => `${t} ${key.desc ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`));
    return [...terms, 'id ASC'].join(', ');
  }

  private orderTerms(field: FieldRef): string[] {
    if (field.kind === 'meta') return [META_COLUMNS[field.name]];
    const p = this.param(jsonPath(field.path));
    const type = `json_type(data, ${p})`;
    const value = `json_extract_string(data, ${p})`;
    return [
      `CASE WHEN ${type} = 'BOOLEAN' THEN 1 WHEN ${type} IN ${NUMERIC} THEN 2 WHEN ${type} = 'VARCHAR' THEN 3 WHEN ${type} IN ('ARRAY', 'OBJECT') THEN 4 ELSE 0 END`,
      `CASE WHEN ${type} = 'BOOLEAN' THEN ${value} = 'true' END`,
      `CASE WHEN ${type} IN ${NUMERIC} THEN TRY_CAST(${value} AS DOUBLE) END`,
      `CASE WHEN ${type} = 'VARCHAR' THEN ${value} END`,
    ];
  }

  live(now: number): string {
    return `(expires_at IS NULL OR expires_at > ${this.param(now)})`;
  }

  /** The live clause plus the filter, if any. */
  filter(condition: Condition | undefined, now: number): string {
    return condition ? `${this.live(now)} AND ${this.where(condition)}` : this.live(now);
  }
}
