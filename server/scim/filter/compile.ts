/**
 * Compiles a parsed SCIM filter to one SQL condition, for SQLite and PostgreSQL alike. Each resource
 * supplies a resolver from attribute paths to columns (or EXISTS sub-queries for relations); every
 * list is filtered by the database, never in memory.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../../db/dialect';

/** The database's SQL dialect, and the collation PostgreSQL lowers text with (ICU when it has one). */
export interface SqlFlavor {
  dialect: Dialect;
  lowerCollation: string | null;
}
import { ApiError } from '../../errors';
import { escapeLike } from '../../users/text';
import type { AttrPath, CompareOp, Filter, Value } from './parse';

export type Sql = RawBuilder<unknown>;

export type Column =
  | { kind: 'text'; expr: Sql; caseExact?: boolean; lowered?: boolean }
  | { kind: 'bool'; expr: Sql }
  | { kind: 'number'; expr: Sql }
  | { kind: 'date'; expr: Sql }
  | { kind: 'const'; value: Value; presence: Sql | null };

/** A resolved attribute: a column, or a relation row checked with EXISTS (`wrap` adds the EXISTS). */
export interface Target {
  column: Column;
  wrap?: (condition: Sql) => Sql;
}

export interface Resolver {
  /**
   * The column of `path`; `parent` is the multi-valued attribute of a value filter (`emails`);
   * `source` which of the attribute's places (see `sources`) the column is read from.
   */
  resolve(path: AttrPath, parent: AttrPath | null, source?: number): Target;
  /**
   * How many places a multi-valued attribute's values live in (1 when absent): a user's primary
   * email is a column of the users table, the others rows of a side table. A condition on the
   * attribute holds when it holds for a value in one of them.
   */
  sources?(attribute: AttrPath): number;
}

const invalid = (message: string) => new ApiError(400, 'invalidFilter', message, { scimType: 'invalidFilter' });
const top = String.fromCodePoint(0x10ffff);

export function lowerExpr(expr: Sql, flavor: SqlFlavor): Sql {
  // SQLite's lower() only knows ASCII: ud_lower is JavaScript's toLowerCase, registered per connection.
  // PostgreSQL's lower() follows the collation: under "C" it too knows only ASCII, so use ICU's.
  if (flavor.dialect === 'sqlite') return sql`ud_lower(${expr})`;
  // The lowered text then compares bytewise ("C"), as in SQLite.
  return flavor.lowerCollation
    ? sql`(lower(${expr} collate ${sql.id(flavor.lowerCollation)}) collate "C")`
    : sql`(lower(${expr}) collate "C")`;
}

function textCondition(op: CompareOp, column: Extract<Column, { kind: 'text' }>, value: Value, flavor: SqlFlavor): Sql {
  if (value === null) {
    if (op === 'eq') return sql`${column.expr} is null`;
    if (op === 'ne') return sql`${column.expr} is not null`;
    throw invalid(`"${op}" needs a value`);
  }
  const exact = column.caseExact === true;
  const v = exact ? String(value) : String(value).toLowerCase();
  const col = exact || column.lowered ? column.expr : lowerExpr(column.expr, flavor);
  switch (op) {
    case 'eq':
      return sql`${col} = ${v}`;
    case 'ne':
      return sql`(${column.expr} is null or ${col} <> ${v})`;
    case 'sw':
      // Pre-lowered columns compare bytewise ("C"), so the indexed range form is exact there.
      if (column.lowered) return sql`(${col} >= ${v} and ${col} < ${v + top})`;
      if (exact)
        return flavor.dialect === 'sqlite'
          ? sql`substr(${col}, 1, ${[...v].length}) = ${v}`
          : sql`left(${col}, ${[...v].length}) = ${v}`;
      return sql`${col} like ${`${escapeLike(v)}%`} escape '\\'`;
    case 'co':
    case 'ew': {
      if (exact) {
        const n = [...v].length;
        if (op === 'co') return flavor.dialect === 'sqlite' ? sql`instr(${col}, ${v}) > 0` : sql`strpos(${col}, ${v}) > 0`;
        return flavor.dialect === 'sqlite' ? sql`substr(${col}, ${-n}) = ${v}` : sql`right(${col}, ${n}) = ${v}`;
      }
      const pattern = op === 'co' ? `%${escapeLike(v)}%` : `%${escapeLike(v)}`;
      return sql`${col} like ${pattern} escape '\\'`;
    }
    case 'gt':
      return sql`${col} > ${v}`;
    case 'ge':
      return sql`${col} >= ${v}`;
    case 'lt':
      return sql`${col} < ${v}`;
    case 'le':
      return sql`${col} <= ${v}`;
  }
}

const ordered: Record<'gt' | 'ge' | 'lt' | 'le' | 'eq', Sql> = {
  gt: sql`>`,
  ge: sql`>=`,
  lt: sql`<`,
  le: sql`<=`,
  eq: sql`=`,
};

function asBoolean(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  // Entra sends booleans as "True"/"False" strings.
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalid(`expected true or false, not ${JSON.stringify(value)}`);
}

function constCondition(op: CompareOp, actual: Value, value: Value): boolean {
  if (typeof actual === 'boolean') {
    const b = asBoolean(value);
    if (op === 'eq') return actual === b;
    if (op === 'ne') return actual !== b;
    throw invalid(`"${op}" does not apply to booleans`);
  }
  const a = String(actual).toLowerCase();
  const v = String(value ?? '').toLowerCase();
  switch (op) {
    case 'eq':
      return a === v;
    case 'ne':
      return a !== v;
    case 'co':
      return a.includes(v);
    case 'sw':
      return a.startsWith(v);
    case 'ew':
      return a.endsWith(v);
    case 'gt':
      return a > v;
    case 'ge':
      return a >= v;
    case 'lt':
      return a < v;
    case 'le':
      return a <= v;
  }
}

/**
 * Every condition is true or false, never NULL: `not (externalId eq "a")` must match users without
 * an externalId, so comparisons on a missing value are false rather than unknown.
 */
function condition(op: CompareOp, column: Column, value: Value, flavor: SqlFlavor): Sql {
  const inner = rawCondition(op, column, value, flavor);
  if ((column.kind === 'text' || column.kind === 'number' || column.kind === 'date') && op !== 'ne' && value !== null)
    return sql`(${column.expr} is not null and ${inner})`;
  return inner;
}

function rawCondition(op: CompareOp, column: Column, value: Value, flavor: SqlFlavor): Sql {
  switch (column.kind) {
    case 'text':
      return textCondition(op, column, value, flavor);
    case 'bool': {
      if (op !== 'eq' && op !== 'ne') throw invalid(`"${op}" does not apply to booleans`);
      const b = asBoolean(value) ? 1 : 0;
      return op === 'eq' ? sql`${column.expr} = ${b}` : sql`${column.expr} <> ${b}`;
    }
    case 'number': {
      if (typeof value !== 'number') throw invalid(`expected a number, not ${JSON.stringify(value)}`);
      if (op === 'ne') return sql`(${column.expr} is null or ${column.expr} <> ${value})`;
      if (op in ordered) return sql`${column.expr} ${ordered[op as keyof typeof ordered]} ${value}`;
      throw invalid(`"${op}" does not apply to numbers`);
    }
    case 'date': {
      const time = typeof value === 'string' ? Date.parse(value) : NaN;
      if (!Number.isFinite(time)) throw invalid(`expected a date and time, not ${JSON.stringify(value)}`);
      const iso = new Date(time).toISOString();
      if (op === 'ne') return sql`(${column.expr} is null or ${column.expr} <> ${iso})`;
      if (op in ordered) return sql`${column.expr} ${ordered[op as keyof typeof ordered]} ${iso}`;
      throw invalid(`"${op}" does not apply to dates`);
    }
    case 'const': {
      const ok = constCondition(op, column.value, value);
      return ok ? (column.presence ?? sql`1 = 1`) : sql`1 = 0`;
    }
  }
}

function present(column: Column): Sql {
  switch (column.kind) {
    case 'text':
      return sql`(${column.expr} is not null and ${column.expr} <> '')`;
    case 'const':
      return column.presence ?? sql`1 = 1`;
    default:
      return sql`${column.expr} is not null`;
  }
}

/** One condition per place the attribute's values live in, or-ed: the values are their union. */
function anySource(resolver: Resolver, attribute: AttrPath, one: (source: number) => Sql): Sql {
  const n = resolver.sources?.(attribute) ?? 1;
  if (n === 1) return one(0);
  return sql`(${sql.join(
    Array.from({ length: n }, (_, i) => one(i)),
    sql` or `,
  )})`;
}

export function compileFilter(
  filter: Filter,
  resolver: Resolver,
  flavor: SqlFlavor,
  parent: AttrPath | null = null,
  source = 0,
): Sql {
  const leaf = (path: AttrPath, make: (column: Column) => Sql): Sql => {
    const at = (i: number) => {
      const target = resolver.resolve(path, parent, i);
      return target.wrap ? target.wrap(make(target.column)) : make(target.column);
    };
    // Inside a value filter the place is chosen once, around the whole filter.
    return parent ? at(source) : anySource(resolver, path, at);
  };
  switch (filter.kind) {
    case 'logical':
      return sql`(${sql.join(
        filter.items.map((f) => compileFilter(f, resolver, flavor, parent, source)),
        filter.op === 'and' ? sql` and ` : sql` or `,
      )})`;
    case 'not':
      return sql`not (${compileFilter(filter.filter, resolver, flavor, parent, source)})`;
    case 'present':
      return leaf(filter.path, (column) => present(column));
    case 'compare':
      return leaf(filter.path, (column) => condition(filter.op, column, filter.value, flavor));
    case 'valuePath': {
      if (parent) throw invalid('value filters cannot nest');
      // The whole inner filter must hold for one value: relations get one EXISTS around it.
      return anySource(resolver, filter.path, (i) => {
        const probe = resolver.resolve({ ...filter.path, sub: 'value' }, null, i);
        const inner = compileFilter(filter.filter, resolver, flavor, filter.path, i);
        return probe.wrap ? probe.wrap(inner) : inner;
      });
    }
  }
}
