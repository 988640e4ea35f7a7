/**
 * Evaluates a filter against one value of a multi-valued attribute (the `[…]` of a PATCH path, on a
 * single resource; lists are filtered in SQL, never here). Strings compare case-insensitively unless
 * the attribute is caseExact.
 */
import { ApiError } from '../../errors';
import { findAttr, type Attr } from '../schemas';
import type { CompareOp, Filter, Value } from './parse';

function compare(op: CompareOp, actual: unknown, expected: Value, attr: Attr | undefined): boolean {
  if (actual === undefined || actual === null) return op === 'ne' ? expected !== null : false;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    if (op !== 'eq' && op !== 'ne')
      throw new ApiError(400, 'invalidFilter', `"${op}" does not apply to booleans`, { scimType: 'invalidFilter' });
    const a = typeof actual === 'string' ? actual.toLowerCase() === 'true' : actual === true;
    return op === 'eq' ? a === expected : a !== expected;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return numeric(op, actual - expected, actual === expected);
  if (attr?.type === 'dateTime' && typeof expected === 'string') {
    const diff = Date.parse(String(actual)) - Date.parse(expected);
    if (Number.isFinite(diff) && ['eq', 'ne', 'gt', 'lt', 'ge', 'le'].includes(op)) return numeric(op, diff, diff === 0);
  }
  const exact = attr?.caseExact === true;
  const a = exact ? String(actual) : String(actual).toLowerCase();
  const e = expected === null ? '' : exact ? String(expected) : String(expected).toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return numeric(op, a < e ? -1 : a > e ? 1 : 0, a === e);
  }
}

function numeric(op: CompareOp, diff: number, equal: boolean): boolean {
  switch (op) {
    case 'eq':
      return equal;
    case 'ne':
      return !equal;
    case 'gt':
      return diff > 0;
    case 'ge':
      return diff >= 0;
    case 'lt':
      return diff < 0;
    case 'le':
      return diff <= 0;
    default:
      return false;
  }
}

export function matches(element: unknown, filter: Filter, subAttributes: Attr[] | undefined): boolean {
  const record = (element && typeof element === 'object' ? element : { value: element }) as Record<string, unknown>;
  const get = (name: string) => {
    const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : record[key];
  };
  switch (filter.kind) {
    case 'logical':
      return filter.op === 'and'
        ? filter.items.every((f) => matches(element, f, subAttributes))
        : filter.items.some((f) => matches(element, f, subAttributes));
    case 'not':
      return !matches(element, filter.filter, subAttributes);
    case 'present': {
      const v = get(filter.path.name);
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    case 'compare':
      return compare(filter.op, get(filter.path.name), filter.value, findAttr(subAttributes, filter.path.name));
    case 'valuePath':
      throw new ApiError(400, 'invalidFilter', 'value filters cannot nest', { scimType: 'invalidFilter' });
  }
}
