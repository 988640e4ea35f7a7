/**
 * The users list's query as it lives in the route (so a view can be bookmarked, reloaded and
 * shared) and goes to the server: a flat record of strings, lists comma-separated, defaults left out.
 */
import type { LocationQuery } from 'vue-router';
import { defaultPageSize, isUserQueryKey, pageSizes, type UserQuery } from '../../../../common/users/directory';

/** Keys that arrange the list rather than filter it. */
const arrangement = new Set(['sort', 'order', 'page', 'pageSize', 'cursor']);
export const defaultSort = { sort: 'name', order: 'asc' } as const;
export const sortableColumns = ['name', 'username', 'email', 'createdAt', 'lastLoginAt', 'loginCount'] as const;

/** Reads the route's query: known keys only, one string each; anything else is dropped. */
export function fromRoute(route: LocationQuery): UserQuery {
  const out: UserQuery = {};
  for (const [key, raw] of Object.entries(route)) {
    if (!isUserQueryKey(key)) continue;
    const value = Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string').join(',') : raw;
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.slice(0, 500);
  }
  if (out.pageSize && !(pageSizes as readonly number[]).includes(Number(out.pageSize))) delete out.pageSize;
  if (out.page && !/^[1-9]\d{0,6}$/.test(out.page)) delete out.page;
  return out;
}

/** The query the server gets: the route's, with the page size always stated. */
export function toServer(query: UserQuery): UserQuery {
  return { pageSize: String(defaultPageSize), ...query };
}

export const listOf = (value: string | undefined): string[] =>
  value
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : [];
export const joinList = (values: string[]): string | undefined => (values.length ? values.join(',') : undefined);

/**
 * Applies a change: `undefined` or `''` removes a key. Changing a filter or the sort goes back to
 * the first page (a cursor belongs to one filter and one order).
 */
export function withChange(query: UserQuery, patch: Record<string, string | undefined>): UserQuery {
  const out: UserQuery = { ...query };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === '') delete out[key];
    else out[key] = value;
  }
  if (Object.keys(patch).some((key) => key !== 'page' && key !== 'cursor')) {
    delete out.page;
    delete out.cursor;
  }
  if (out.order === defaultSort.order) delete out.order;
  if (out.sort === defaultSort.sort) delete out.sort;
  if (out.pageSize === String(defaultPageSize)) delete out.pageSize;
  if (out.tagsMode === 'any' || (!out.tags && out.tagsMode !== 'missing')) delete out.tagsMode;
  return out;
}

/** The filters in use (not the search, sort or page), for chips and "clear all". */
export function activeFilterKeys(query: UserQuery): string[] {
  return Object.keys(query).filter((key) => !arrangement.has(key) && key !== 'q' && key !== 'tagsMode');
}

/** Same filter and search, whatever the page or order: a saved view "is" the current one. */
export function sameFilter(a: UserQuery, b: UserQuery): boolean {
  const strip = (q: UserQuery) =>
    JSON.stringify(
      Object.entries(q)
        .filter(([key]) => !['page', 'cursor'].includes(key))
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return strip(a) === strip(b);
}

export const clearFilters = (query: UserQuery): UserQuery => {
  const out: UserQuery = {};
  for (const key of ['sort', 'order', 'pageSize'] as const) if (query[key]) out[key] = query[key]!;
  return out;
};

/** The first row's number on the current page (1-based), for "31–60 of 500". */
export function firstRowOf(query: UserQuery): number {
  const page = Number(query.page ?? '1');
  const size = Number(query.pageSize ?? defaultPageSize);
  return (page - 1) * size + 1;
}
