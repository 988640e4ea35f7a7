import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BridgePopups, POPUP_PREFIX } from '../../bridge/popups';
import { jobBody } from '../jobs/handlers';
import { UsersViewsStore } from './views-store';

describe('saved views and columns', () => {
  it('keeps each connection’s views and columns apart, replaces a view saved again, and survives a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'userdeck-views-'));
    const store = new UsersViewsStore(dir);
    store.save('local', 'Dormant', { status: 'inactive' });
    store.save('remote-1', 'Admins', { role: 'administrator' });
    const replaced = store.save('local', 'dormant', { status: 'inactive', sort: 'lastLoginAt' });
    expect(replaced.views).toHaveLength(1);
    expect(replaced.views[0]!.query).toEqual({ status: 'inactive', sort: 'lastLoginAt' });
    store.setColumns('local', ['name', 'cf.department']);
    const again = new UsersViewsStore(dir);
    expect(again.state('local').columns).toEqual(['name', 'cf.department']);
    expect(again.state('remote-1').views.map((v) => v.name)).toEqual(['Admins']);
    expect(again.state('other')).toEqual({ views: [], columns: null });
    again.delete('local', replaced.views[0]!.id);
    again.forget('remote-1');
    expect(JSON.parse(readFileSync(join(dir, 'users-views.json'), 'utf8')).connections).toEqual({
      local: { views: [], columns: ['name', 'cf.department'] },
    });
  });
});

describe('bulk job requests', () => {
  it('sends "all matching" as the list’s filter, without sort, page or cursor, and ids deduplicated', () => {
    expect(
      jobBody({
        action: 'deactivate',
        target: { query: { status: 'active', tags: 'vip', sort: 'name', page: '4', cursor: 'abc', pageSize: '50', q: '' } },
      }),
    ).toEqual({ action: 'deactivate', filter: { status: 'active', tags: 'vip' } });
    expect(jobBody({ action: 'addTags', params: { tags: ['a'] }, target: { ids: ['u1', 'u2', 'u1'] } })).toEqual({
      action: 'addTags',
      params: { tags: ['a'] },
      userIds: ['u1', 'u2'],
    });
  });
});

describe('impersonation popups of the bridge', () => {
  it('hands out a one-time path that redirects once, within two minutes, and refuses anything but web links', () => {
    let now = 1_000_000;
    const popups = new BridgePopups(() => now);
    const opened = popups.open('http://127.0.0.1:4000/portal/impersonate?token=secret');
    expect(opened.mode).toBe('popup');
    const path = (opened as { path: string }).path;
    expect(path.startsWith(POPUP_PREFIX)).toBe(true);
    expect(path).not.toContain('secret');
    expect(popups.take(path)).toBe('http://127.0.0.1:4000/portal/impersonate?token=secret');
    expect(popups.take(path)).toBeNull();
    const late = (popups.open('https://dir.example/portal/impersonate?token=t') as { path: string }).path;
    now += 2 * 60_000 + 1;
    expect(popups.take(late)).toBeNull();
    expect(popups.take(`${POPUP_PREFIX}guess`)).toBeNull();
    expect(() => popups.open('file:///etc/passwd')).toThrow();
  });
});
