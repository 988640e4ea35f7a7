import { describe, expect, it } from 'vitest';
import { filterChips } from './filters';
import { activeFilterKeys, clearFilters, firstRowOf, fromRoute, sameFilter, toServer, withChange } from './query';

describe('the users list query in the route', () => {
  it('keeps known keys and custom fields, one string each, and drops the rest', () => {
    expect(
      fromRoute({
        status: 'active',
        role: ['administrator', 'auditor'],
        'cf.level': '3..5',
        evil: 'x',
        'cf.Bad': 'y',
        page: '0',
        pageSize: '7',
        q: '',
      }),
    ).toEqual({ status: 'active', role: 'administrator,auditor', 'cf.level': '3..5' });
    expect(fromRoute({ page: '3', pageSize: '50' })).toEqual({ page: '3', pageSize: '50' });
  });

  it('goes back to the first page when a filter or the sort changes, and leaves defaults out', () => {
    const query = { status: 'active', page: '4', cursor: 'abc', pageSize: '50' };
    expect(withChange(query, { verified: 'true' })).toEqual({ status: 'active', verified: 'true', pageSize: '50' });
    expect(withChange(query, { page: '5', cursor: 'def' })).toEqual({
      status: 'active',
      page: '5',
      cursor: 'def',
      pageSize: '50',
    });
    expect(withChange({ sort: 'createdAt' }, { sort: 'name', order: 'asc' })).toEqual({});
    expect(withChange({ tags: 'vip', tagsMode: 'all' }, { tags: undefined })).toEqual({});
    expect(withChange({}, { tagsMode: 'missing' })).toEqual({ tagsMode: 'missing' });
    expect(withChange({ pageSize: '10' }, { pageSize: '30' })).toEqual({});
    expect(toServer({})).toEqual({ pageSize: '30' });
  });

  it('tells filters from arrangement', () => {
    const query = { q: 'ana', status: 'banned', sort: 'name', page: '2', tagsMode: 'all', tags: 'vip' };
    expect(activeFilterKeys(query)).toEqual(['status', 'tags']);
    expect(clearFilters({ ...query, order: 'desc', pageSize: '50' })).toEqual({ sort: 'name', order: 'desc', pageSize: '50' });
    expect(sameFilter({ status: 'active', page: '3' }, { status: 'active' })).toBe(true);
    expect(sameFilter({ status: 'active' }, { status: 'inactive' })).toBe(false);
    expect(firstRowOf({ page: '3', pageSize: '50' })).toBe(101);
  });

  it('reads "no tags at all" and open ranges as chips', () => {
    const t = (key: string) => key.split('.').at(-1)!;
    expect(filterChips({ tagsMode: 'missing' }, null, t, (d) => d).map((c) => c.label)).toEqual(['noTags']);
    expect(filterChips({ lastLoginTo: '2020-01-01' }, null, t, (d) => d)).toEqual([
      { keys: ['lastLoginFrom', 'lastLoginTo'], label: 'lastLogin: ≤ 2020-01-01' },
    ]);
  });
});
