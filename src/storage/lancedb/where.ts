import { META_COLUMNS, type Condition, type FieldRef } from '../filter.js';

/**
 * Compiles a filter into a LanceDB (DataFusion) where-clause over the `data` column (Lance JSON type).
 * Every leaf is two-valued (COALESCE(..., false)) so NOT behaves as in the JS evaluator.
 *
 * Type-exact comparisons use Lance's JSONPath filters (`$.p ? (@ == "x")`), which never coerce across
 * types, plus a not-an-array guard because JSONPath lax mode unwraps arrays. Numbers compare through
 * TRY_CAST of the extracted JSON text, which is NULL (false) for anything that is not a JSON number.
 * Known gap (see `contains`): an array holding both a nested array starting with v and v written as a
 * string matches `$contains: v`.
 */

export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const sqlNumber = (value: number): string => `CAST(${sqlString(String(value))} AS DOUBLE)`;
const jsonPath = (path: string[]): string => `$${path.map((key) => `."${key}"`).join('')}`;
const text = (path: string[]): string => `json_extract(data, ${sqlString(jsonPath(path))})`;
const two = (sql: string): string => `COALESCE(${sql}, false)`;

/** A JSONPath literal; JSONPath in Lance accepts integers only, so other numbers return undefined. */
function pathLiteral(value: string | number | boolean | null): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  return JSON.stringify(value);
}

function jsonFilter(path: string[], predicate: string, suffix = ''): string {
  return `json_exists(data, ${sqlString(`${jsonPath(path)}${suffix} ? (${predicate})`)})`;
}

const notArray = (path: string[]): string => two(`${text(path)} NOT LIKE '[%'`);
const isArray = (path: string[]): string => two(`${text(path)} LIKE '[%'`);
const OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function metaLeaf(name: FieldRef & { kind: 'meta' }, condition: Condition): string {
  const column = META_COLUMNS[name.name];
  const isString = name.name === 'id';
  const literal = (value: unknown): string | undefined => (isString ? (typeof value === 'string' ? sqlString(value) : undefined) : typeof value === 'number' ? sqlNumber(value) : undefined);
  switch (condition.kind) {
    case 'exists':
      return `${column} IS NOT NULL`;
    case 'eq': {
      const lit = literal(condition.value);
      return lit ? two(`${column} = ${lit}`) : 'false';
    }
    case 'cmp': {
      const lit = literal(condition.value);
      return lit ? two(`${column} ${OPS[condition.op]} ${lit}`) : 'false';
    }
    case 'startsWith':
      return isString ? `starts_with(${column}, ${sqlString(condition.value)})` : 'false';
    default:
      return 'false';
  }
}

function dataLeaf(path: string[], condition: Condition): string {
  switch (condition.kind) {
    case 'exists':
      return two(`${text(path)} <> 'null'`);
    case 'eq': {
      const v = condition.value;
      if (typeof v === 'boolean') return two(`${text(path)} = '${v}'`);
      if (typeof v === 'number') return two(`TRY_CAST(${text(path)} AS DOUBLE) = ${sqlNumber(v)}`);
      return `(${two(jsonFilter(path, `@ == ${pathLiteral(v)}`))} AND ${notArray(path)})`;
    }
    case 'cmp': {
      const v = condition.value;
      if (typeof v === 'number') return two(`TRY_CAST(${text(path)} AS DOUBLE) ${OPS[condition.op]} ${sqlNumber(v)}`);
      return `(${two(jsonFilter(path, `@ ${OPS[condition.op]} ${pathLiteral(v)}`))} AND ${notArray(path)})`;
    }
    case 'startsWith':
      return `(${two(jsonFilter(path, `@ starts with ${pathLiteral(condition.value)}`))} AND ${notArray(path)})`;
    case 'contains': {
      // `[*] ? (@ == v)` also looks into nested arrays, json_array_contains also matches v written as a
      // string; an element must satisfy both, which leaves only arrays holding both forms misjudged.
      const v = condition.value;
      const literal = pathLiteral(v);
      const typed = literal !== undefined ? jsonFilter([...path], `@ == ${literal}`, '[*]') : jsonFilter([...path], `@ > ${Math.floor(v as number)} && @ < ${Math.ceil(v as number)}`, '[*]');
      const loose = `json_array_contains(data, ${sqlString(jsonPath(path))}, ${sqlString(typeof v === 'string' ? v : String(v))})`;
      return `(${isArray(path)} AND ${two(typed)} AND ${two(loose)})`;
    }
    default:
      return 'false';
  }
}

export function toWhere(condition: Condition): string {
  switch (condition.kind) {
    case 'and':
      return condition.items.length === 0 ? 'true' : `(${condition.items.map(toWhere).join(' AND ')})`;
    case 'or':
      return condition.items.length === 0 ? 'false' : `(${condition.items.map(toWhere).join(' OR ')})`;
    case 'not':
      return `(NOT ${toWhere(condition.item)})`;
    default:
      return condition.field.kind === 'meta' ? metaLeaf(condition.field, condition) : dataLeaf(condition.field.path, condition);
  }
}

export const liveClause = (now: number): string => `(expires_at IS NULL OR expires_at > ${sqlNumber(now)})`;

export function whereClause(filter: Condition | undefined, now: number): string {
  return filter ? `${liveClause(now)} AND ${toWhere(filter)}` : liveClause(now);
}
