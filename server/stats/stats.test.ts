/**
 * The dashboard's numbers against a directory whose every user is known: statuses, expiry by date
 * and by sweep, licences, verification, enrollment, and roles and groups (trashed users left out,
 * counted again once restored).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('dashboard stats', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-06-01T12:00:00Z');
  const ids: Record<string, string> = {};
  const groups: Record<string, string> = {};

  const create = async (username: string, fields: Record<string, unknown> = {}) => {
    const res = await dir.call('POST', '/api/v1/users', {
      username,
      email: `${username}@example.org`,
      firstName: 'Stat',
      lastName: 'User',
      roles: ['end_user'],
      ...fields,
    });
    expect(res.status, res.text).toBe(201);
    ids[username] = res.body.id;
  };
  const ok = async (method: string, path: string, body: unknown = {}) => {
    const res = await dir.call(method, path, body);
    expect(res.status, res.text).toBeLessThan(300);
    return res.body;
  };
  const stats = async () => (await dir.call('GET', '/api/v1/stats?days=1')).body;

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    for (const name of ['First', 'Second', 'Empty']) groups[name] = (await ok('POST', '/api/v1/groups', { name })).id;
    // Expired by the sweep (deactivated, reason "expired")…
    await create('swept', { expiresAt: '2025-05-01' });
    await ok('POST', '/api/v1/sweeps');
    // …and past its date, not swept yet: both count as expired.
    await create('due', { expiresAt: '2025-05-15' });
    await create('ada', { roles: ['auditor'], emailVerified: true, license: 'pro' });
    await create('bob');
    await create('carl', { roles: ['auditor'] });
    await ok('POST', `/api/v1/users/${ids.carl}/ban`, { reason: 'spam' });
    await create('gil');
    await ok('POST', `/api/v1/users/${ids.gil}/deactivate`);
    await create('hal');
    await ok('POST', `/api/v1/users/${ids.hal}/invite`);
    await create('fay', { roles: ['auditor'], license: 'pro' });
    await ok('POST', `/api/v1/groups/${groups.First}/members`, { userIds: [ids.ada, ids.bob, ids.fay] });
    await ok('POST', `/api/v1/groups/${groups.Second}/members`, { userIds: [ids.bob] });
    await ok('DELETE', `/api/v1/users/${ids.fay}`);
  });
  afterAll(() => dir?.close());

  it('counts users by status, expiry, verification, enrollment and licence', async () => {
    const s = await stats();
    expect(s.users).toEqual({
      total: 7,
      active: 4,
      inactive: 3,
      banned: 1,
      expired: 2,
      trash: 1,
      verified: 1,
      unverified: 6,
    });
    expect(s.enrollment).toEqual({ none: 6, sent: 1 });
    expect(s.licenses).toEqual({ used: 1, pool: null });
  });

  it('counts live users per role and the largest groups, leaving trashed users out until restored', async () => {
    const role = (s: { roles: { key: string; count: number }[] }, key: string) => s.roles.find((r) => r.key === key)?.count;
    let s = await stats();
    expect(role(s, 'auditor')).toBe(2);
    expect(role(s, 'end_user')).toBe(5);
    expect(role(s, 'administrator')).toBe(0);
    expect(s.roles.map((r: { name: string }) => r.name)).toEqual(
      [...s.roles.map((r: { name: string }) => r.name)].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    expect(s.groups).toEqual([
      { id: groups.First, name: 'First', count: 2 },
      { id: groups.Second, name: 'Second', count: 1 },
    ]);

    await ok('POST', `/api/v1/users/${ids.fay}/restore`);
    s = await stats();
    expect(role(s, 'auditor')).toBe(3);
    expect(s.groups[0]).toEqual({ id: groups.First, name: 'First', count: 3 });
    expect(s.users).toMatchObject({ total: 8, active: 5, trash: 0 });
    expect(s.licenses.used).toBe(2);

    // Deactivated members still count; a group with no member left drops off the list.
    await ok('POST', `/api/v1/users/${ids.bob}/deactivate`);
    await ok('DELETE', `/api/v1/groups/${groups.Second}/members/${ids.bob}`);
    s = await stats();
    expect(s.groups).toEqual([{ id: groups.First, name: 'First', count: 3 }]);
    expect(s.users).toMatchObject({ active: 4, inactive: 4 });
  });
});
