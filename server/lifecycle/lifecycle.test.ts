import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { fts5StoredTerms, staleSearchTerms, tablesContaining } from '../../tests/helpers/db-dump';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';
import { PortalBrowser } from '../../tests/helpers/portal-browser';

describeBackends('user lifecycle', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-05-01T10:00:00Z');
  let n = 0;
  const user = async (fields: Record<string, unknown> = {}) => {
    const name = `life${++n}`;
    const res = await dir.call('POST', '/api/v1/users', {
      username: name,
      email: `${name}@example.org`,
      firstName: 'Lee',
      lastName: 'Park',
      roles: ['end_user'],
      ...fields,
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; username: string; email: string; version: number };
  };
  const get = async (id: string) => (await dir.call('GET', `/api/v1/users/${id}`)).body;
  const apiLogin = async (username: string, password: string) =>
    (await request(`${dir.url}/api/v1/auth/login`, 'POST', { username, password })).body.accessToken as string;
  const me = (token: string) => request(`${dir.url}/api/v1/auth/me`, 'GET', undefined, { authorization: `Bearer ${token}` });
  const sweep = async () => (await dir.call('POST', '/api/v1/sweeps', {})).body;

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
  });
  afterAll(() => dir?.close());

  it('deactivates (ending sessions), bans with a reason, and activates again, logging each change', async () => {
    const u = await user({ password: 'life-password-1' });
    const token = await apiLogin(u.username, 'life-password-1');
    expect((await me(token)).status).toBe(200);
    const off = await dir.call('POST', `/api/v1/users/${u.id}/deactivate`, {});
    expect(off.body).toMatchObject({ active: false, inactiveReason: 'manual' });
    expect(off.headers.get('etag')).toBe(`W/"${off.body.version}"`);
    expect((await me(token)).status).toBe(401);
    expect((await dir.call('POST', `/api/v1/users/${u.id}/deactivate`, {})).status).toBe(200);

    const noReason = await dir.call('POST', `/api/v1/users/${u.id}/ban`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const banned = await dir.call('POST', `/api/v1/users/${u.id}/ban`, { reason: 'spam in the forums' });
    expect(banned.body).toMatchObject({ active: false, inactiveReason: 'banned', statusNote: 'spam in the forums' });
    expect((await dir.call('GET', '/api/v1/users?status=banned')).body.items.map((x: { id: string }) => x.id)).toContain(u.id);
    const on = await dir.call('POST', `/api/v1/users/${u.id}/activate`, {});
    expect(on.body).toMatchObject({ active: true, inactiveReason: null, statusNote: null });
    const actions = (await dir.call('GET', `/api/v1/users/${u.id}/activity?type=user`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['user.deactivated', 'user.banned', 'user.activated', 'user.created']));
    expect((await dir.call('POST', '/api/v1/users/no-such-user/activate', {})).status).toBe(404);
  });

  it('deactivates accounts past their expiration date in the sweep, and refuses to activate them', async () => {
    const u = await user({ password: 'life-password-2', expiresAt: '2025-05-03' });
    const token = await apiLogin(u.username, 'life-password-2');
    expect((await sweep()).expired).toBe(0);
    clock.advance(3 * 86_400_000);
    const report = await sweep();
    expect(report.expired).toBe(1);
    expect(await get(u.id)).toMatchObject({ active: false, inactiveReason: 'expired' });
    expect((await me(token)).status).toBe(401);
    const refused = await dir.call('POST', `/api/v1/users/${u.id}/activate`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('expired');
    await dir.call('PATCH', `/api/v1/users/${u.id}`, { expiresAt: null });
    expect((await dir.call('POST', `/api/v1/users/${u.id}/activate`, {})).body.active).toBe(true);
    const runs = (await dir.call('GET', '/api/v1/activity?type=sweep.run')).body.items;
    expect(runs.some((r: { data: { expired: number } }) => r.data.expired === 1)).toBe(true);
  });

  it('deactivates users idle longer than the inactivity policy (off by default; administrators kept)', async () => {
    const idle = await user({ lastLoginAt: '2025-01-01T00:00:00Z' });
    const admin = await user({ lastLoginAt: '2025-01-01T00:00:00Z', roles: ['administrator'] });
    await sweep();
    expect((await get(idle.id)).active).toBe(true);
    await dir.call('PATCH', '/api/v1/settings', { policies: { inactivityDays: 90 } });
    const report = await sweep();
    expect(report.inactive).toBeGreaterThanOrEqual(1);
    expect(await get(idle.id)).toMatchObject({ active: false, inactiveReason: 'inactivity' });
    expect((await get(admin.id)).active).toBe(true);
    await dir.call('PATCH', '/api/v1/settings', { policies: { inactivityDays: null } });
  });

  it('refuses to activate beyond the licence pool with a clear error', async () => {
    const a = await user({ active: false });
    const b = await user({ active: false });
    const used = (await dir.call('GET', '/api/v1/settings')).body.licenses.used;
    await dir.call('PATCH', '/api/v1/settings', { policies: { licensePool: used + 1 } });
    try {
      expect((await dir.call('POST', `/api/v1/users/${a.id}/activate`, {})).body).toMatchObject({
        active: true,
        license: 'standard',
      });
      const full = await dir.call('POST', `/api/v1/users/${b.id}/activate`, {});
      expect(full.status).toBe(409);
      expect(full.body.code).toBe('licensePoolFull');
      expect(full.body.detail).toContain(`all ${used + 1} licences are in use`);
      expect((await get(b.id)).active).toBe(false);
      const created = await dir.call('POST', '/api/v1/users', {
        username: 'overflow',
        email: 'overflow@example.org',
        firstName: 'Over',
        lastName: 'Flow',
      });
      expect(created.status).toBe(409);
      expect((await dir.call('POST', '/api/v1/users/lookup', { usernames: ['overflow'] })).body.users).toEqual([]);
      expect((await dir.call('GET', '/api/v1/settings')).body.licenses).toEqual({ pool: used + 1, used: used + 1 });
      await dir.call('PATCH', `/api/v1/users/${a.id}`, { active: false, license: null });
      expect((await dir.call('POST', `/api/v1/users/${b.id}/activate`, {})).body.license).toBe('standard');
    } finally {
      await dir.call('PATCH', '/api/v1/settings', { policies: { licensePool: null } });
    }
  });

  it('refuses to delete a user with activity, telling to deactivate or anonymize instead', async () => {
    const u = await user({ password: 'life-password-3' });
    await apiLogin(u.username, 'life-password-3');
    const refused = await dir.call('DELETE', `/api/v1/users/${u.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('hasActivity');
    expect(refused.body.detail).toMatch(/deactivate or anonymize/);
    expect((await get(u.id)).deletedAt).toBeNull();
    const seen = await user();
    const ingest = await dir.call('POST', '/api/v1/events', { events: [{ userId: seen.id, type: 'page', name: '/home' }] });
    expect(ingest.body.accepted).toBe(1);
    expect((await dir.call('DELETE', `/api/v1/users/${seen.id}`)).status).toBe(409);
    await dir.call('PATCH', '/api/v1/settings', { policies: { deleteOnlyWithoutActivity: false } });
    expect((await dir.call('DELETE', `/api/v1/users/${u.id}`)).status).toBe(204);
    await dir.call('PATCH', '/api/v1/settings', { policies: { deleteOnlyWithoutActivity: true } });
  });

  it('hands a deleted user’s groups, forms and notes to the fallback owner; the trash restores the same user with groups', async () => {
    const owner = await user();
    const heir = await user();
    const group = (await dir.call('POST', '/api/v1/groups', { name: 'Owned group' })).body;
    await dir.call('POST', `/api/v1/groups/${group.id}/members`, { userIds: [owner.id] });
    await dir.call('PUT', `/api/v1/groups/${group.id}/owner`, { userId: owner.id });
    const needs = await dir.call('DELETE', `/api/v1/users/${owner.id}`);
    expect(needs.status).toBe(400);
    expect(needs.body.code).toBe('fallbackOwnerRequired');
    expect((await dir.call('DELETE', `/api/v1/users/${owner.id}`, { fallbackOwnerId: 'nobody' })).body.errors[0].field).toBe(
      'fallbackOwnerId',
    );
    expect((await dir.call('DELETE', `/api/v1/users/${owner.id}`, { fallbackOwnerId: heir.id })).status).toBe(204);
    const csv = await request(`${dir.url}/api/v1/groups/export.csv`, 'GET', undefined, {
      authorization: 'Bearer test-admin-token-0123456789abcdef',
    });
    expect(csv.text).toContain(`Owned group,,true,1,${heir.username}`);

    expect((await get(owner.id)).deletedAt).toBe(clock.now().toISOString());
    const trash = (await dir.call('GET', '/api/v1/trash')).body;
    const item = trash.items.find((x: { id: string }) => x.id === owner.id);
    expect(item.purgeAt).toBe(new Date(clock.now().getTime() + 30 * 86_400_000).toISOString());
    expect((await dir.call('GET', `/api/v1/users?q=${owner.username}`)).body.items).toEqual([]);
    expect((await dir.call('DELETE', `/api/v1/users/${owner.id}`)).status).toBe(404);

    const restored = await dir.call('POST', `/api/v1/users/${owner.id}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({
      id: owner.id,
      username: owner.username,
      deletedAt: null,
      groups: [{ id: group.id, name: 'Owned group' }],
    });
  });

  it('purges the trash after the retention, or at once with confirmation', async () => {
    const early = await user();
    const late = await user();
    await dir.call('DELETE', `/api/v1/users/${early.id}`);
    expect((await dir.call('DELETE', `/api/v1/trash/${early.id}`, {})).status).toBe(400);
    expect((await dir.call('DELETE', `/api/v1/trash/${early.id}`, { confirm: true })).status).toBe(204);
    expect((await dir.call('GET', `/api/v1/users/${early.id}`)).status).toBe(404);
    await dir.call('DELETE', `/api/v1/users/${late.id}`);
    clock.advance(29 * 86_400_000);
    await sweep();
    expect((await dir.call('GET', `/api/v1/users/${late.id}`)).status).toBe(200);
    clock.advance(2 * 86_400_000);
    expect((await sweep()).purged).toBeGreaterThanOrEqual(1);
    expect((await dir.call('GET', `/api/v1/users/${late.id}`)).status).toBe(404);
    const log = (await dir.call('GET', `/api/v1/activity?targetId=${late.id}`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(log).toEqual(expect.arrayContaining(['user.trashed', 'user.purged']));
  });

  it('anonymizes irreversibly, with confirmation: no personal data left anywhere', async () => {
    await dir.call('POST', '/api/v1/custom-fields', { key: 'nickname', label: 'Nickname', type: 'text' });
    const group = (await dir.call('POST', '/api/v1/groups', { name: 'Chess club' })).body;
    const z = await user({
      username: 'zebulon.quist',
      email: 'zebulon.quist@example.org',
      firstName: 'Zebulon',
      lastName: 'Quist',
      maternalSurname: 'Oyelaran',
      displayName: 'Zeb Quist',
      phone: '+44 20 7946 0958',
      officialCode: 'ZQ-778899',
      password: 'zebulon-pass-1',
      groups: ['Chess club'],
      customFields: { nickname: 'Quisty' },
      license: 'gold',
    });
    expect((await dir.call('GET', '/api/v1/users?q=zebulon')).body.total).toBe(1);
    const b = new PortalBrowser(dir.url, { 'user-agent': 'ZebBrowser/9.9' });
    await b.get('/portal/sign-in');
    expect((await b.submit('/portal/sign-in', { username: 'zebulon.quist', password: 'zebulon-pass-1' })).url).toContain(
      '/portal/account',
    );
    await dir.call('POST', '/api/v1/events', {
      events: [{ username: 'zebulon.quist', type: 'page', name: '/profile/zebulon', app: 'intranet' }],
    });
    await dir.call('POST', `/api/v1/users/${z.id}/notes`, { body: 'Zebulon asked for a refund' });
    await dir.call('POST', `/api/v1/users/${z.id}/reset-password`, { method: 'email' });

    const needles = ['zebulon', 'quist', 'oyelaran', '7946', 'ZQ-778899', 'ZebBrowser', 'refund'];
    // The dump sees the person everywhere before…
    const before = await tablesContaining(dir, needles);
    for (const table of ['users', 'auth_sessions', 'activity_log', 'notes', 'outbox'])
      expect(
        before.some((hit) => hit.replace(/^public\./, '').startsWith(`${table}:`)),
        table,
      ).toBe(true);
    const unconfirmed = await dir.call('POST', `/api/v1/users/${z.id}/anonymize`, {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.errors[0].field).toBe('confirm');
    const res = await dir.call('POST', `/api/v1/users/${z.id}/anonymize`, { confirm: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: z.id,
      active: false,
      email: null,
      phone: null,
      officialCode: null,
      displayName: null,
      maternalSurname: null,
      avatarUrl: null,
      groups: [],
      license: null,
      customFields: {},
    });
    expect(res.body.anonymizedAt).not.toBeNull();
    expect(res.body.firstName).toMatch(/^[0-9a-f]{16}$/);
    expect(res.body.username).toMatch(/^anon-[0-9a-f]{16}$/);

    // …and nowhere after.
    expect(await tablesContaining(dir, needles)).toEqual([]);
    if (backend === 'sqlite') {
      // SQLite's full-text index stores trigrams, prefix-compressed: read its pages. Right after the
      // anonymisation its older segments still hold the person's terms…
      const personal = ['zeb', 'ebu', 'bul', 'uis', 'oye', 'yel'];
      expect(staleSearchTerms(dir)).toEqual(expect.arrayContaining(personal));
      // …until the sweep merges them away: then it stores exactly the terms of the current users.
      expect((await dir.call('POST', '/api/v1/sweeps', {})).status).toBe(200);
      expect(staleSearchTerms(dir)).toEqual([]);
      const stored = fts5StoredTerms(dir);
      expect(personal.filter((t) => stored.has(t))).toEqual([]);
      expect(stored.size).toBeGreaterThan(0);
      expect(await tablesContaining(dir, needles)).toEqual([]);
    }
    expect((await dir.call('GET', '/api/v1/users?q=zebulon')).body.total).toBe(0);
    expect((await dir.call('GET', '/api/v1/users?q=quist&status=inactive')).body.total).toBe(0);
    expect((await dir.call('GET', `/api/v1/groups/${group.id}/members`)).body.items).toEqual([]);
    expect((await dir.call('GET', `/api/v1/users/${z.id}/sessions?active=false`)).body.total).toBe(0);
    const log = (await dir.call('GET', `/api/v1/users/${z.id}/activity?pageSize=100`)).body.items;
    const anonymized = log.find((e: { action: string }) => e.action === 'user.anonymized');
    expect(anonymized.data.redactedEntries).toBeGreaterThan(0);
    expect(log.find((e: { action: string }) => e.action === 'auth.login').data).toEqual({ redacted: true });

    const again = await dir.call('POST', `/api/v1/users/${z.id}/activate`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('anonymized');
    expect((await dir.call('PATCH', `/api/v1/users/${z.id}`, { active: true })).status).toBe(409);
  });
});
