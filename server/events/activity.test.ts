import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('activity log and access events', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-09-10T12:00:00Z');
  let app: { id: string; token: string };
  let ann: string;
  const ingest = (token: string, events: unknown[]) =>
    request(`${dir.url}/api/v1/events`, 'POST', { events }, { authorization: `Bearer ${token}` });

  /** Runs one statement straight on the database, as a person with database access might try. */
  async function rawSql(statement: string): Promise<void> {
    if (backend === 'sqlite') {
      const db = new SQLite(join(dir.dataDir, 'userdeck.db'));
      try {
        db.prepare(statement).run();
      } finally {
        db.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: dir.databaseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    await dir.call('POST', '/api/v1/roles', { key: 'app_events', name: 'Application events', permissions: ['events.ingest'] });
    const token = await dir.call('POST', '/api/v1/tokens', { name: 'intranet', role: 'app_events' });
    app = { id: token.body.id, token: token.body.token };
    ann = (
      await dir.call('POST', '/api/v1/users', { username: 'ann', email: 'ann@example.org', firstName: 'Ann', lastName: 'Lee' })
    ).body.id;
  });
  afterAll(() => dir?.close());

  it('takes batches of page and feature accesses from applications with their own permission', async () => {
    const res = await ingest(app.token, [
      { userId: ann, type: 'page', name: '/courses', app: 'lms', at: '2025-09-08T10:00:00Z' },
      { username: 'ANN', type: 'feature', name: 'export', app: 'lms', at: '2025-09-09T10:00:00Z' },
      { userId: ann, type: 'page', name: '/grades' },
      { username: 'nobody', type: 'page', name: '/x' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ accepted: 3, rejected: [{ index: 3, code: 'unknownUser', message: 'no such user' }] });
    const bad = await ingest(app.token, [{ userId: ann, username: 'ann', type: 'click', name: '' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['events.0.type', 'events.0.name']),
    );
    const tooMany = await ingest(
      app.token,
      Array.from({ length: 1001 }, () => ({ userId: ann, type: 'page', name: '/' })),
    );
    expect(tooMany.status).toBe(400);
    // The application's token can record, not read.
    expect(
      (await request(`${dir.url}/api/v1/users/${ann}`, 'GET', undefined, { authorization: `Bearer ${app.token}` })).status,
    ).toBe(403);
  });

  it("shows a user's last access: when, per day and the latest pages", async () => {
    const res = await dir.call('GET', `/api/v1/users/${ann}/last-access?days=7`);
    expect(res.body.lastAccessAt).toBe('2025-09-10T12:00:00.000Z');
    expect(res.body.perDay).toEqual([
      { day: '2025-09-04', count: 0 },
      { day: '2025-09-05', count: 0 },
      { day: '2025-09-06', count: 0 },
      { day: '2025-09-07', count: 0 },
      { day: '2025-09-08', count: 1 },
      { day: '2025-09-09', count: 1 },
      { day: '2025-09-10', count: 1 },
    ]);
    expect(res.body.recent).toEqual([
      { at: '2025-09-10T12:00:00.000Z', type: 'page', name: '/grades', app: null },
      { at: '2025-09-09T10:00:00.000Z', type: 'feature', name: 'export', app: 'lms' },
      { at: '2025-09-08T10:00:00.000Z', type: 'page', name: '/courses', app: 'lms' },
    ]);
  });

  it('logs every admin action and user event with actor, target, time and details, queryable and paged', async () => {
    await dir.call('PATCH', `/api/v1/users/${ann}`, { firstName: 'Anna', phone: '+1 555 0100' });
    await dir.call('PATCH', `/api/v1/users/${ann}`, { roles: ['auditor'] });
    await dir.call('POST', `/api/v1/users/${ann}/deactivate`, {});
    await dir.call('POST', '/api/v1/users/batch', {
      rows: [
        {
          key: 'i1',
          action: 'create',
          user: { username: 'imported', email: 'imp@example.org', firstName: 'Im', lastName: 'Port' },
        },
      ],
    });
    const timeline = (await dir.call('GET', `/api/v1/users/${ann}/activity?pageSize=3`)).body;
    expect(timeline.items).toHaveLength(3);
    expect(timeline.items[0]).toMatchObject({
      action: 'user.deactivated',
      actor: { type: 'token', name: 'bootstrap' },
      target: { type: 'user', id: ann },
    });
    expect(typeof timeline.items[0].at).toBe('string');
    const next = (await dir.call('GET', `/api/v1/users/${ann}/activity?pageSize=3&before=${timeline.nextBefore}`)).body;
    expect(next.items[0].id).toBeLessThan(timeline.items[2].id);
    const updates = (await dir.call('GET', `/api/v1/users/${ann}/activity?type=user.updated`)).body.items;
    expect(updates.map((e: { data: { fields: string[] } }) => e.data.fields)).toEqual([['roles'], ['firstName', 'phone']]);
    // Field names only, never the values (ids are random hex, so look for the whole values).
    expect(JSON.stringify(updates)).not.toContain('+1 555 0100');
    expect(JSON.stringify(updates)).not.toContain('Anna');
    const byApp = (await dir.call('GET', `/api/v1/activity?actorId=${app.id}`)).body.items;
    expect(byApp).toHaveLength(3);
    expect(
      byApp.every(
        (e: { action: string; actor: { name: string } }) => e.action.startsWith('access.') && e.actor.name === 'intranet',
      ),
    ).toBe(true);
    const dated = (await dir.call('GET', `/api/v1/users/${ann}/activity?type=access&from=2025-09-09&to=2025-09-09`)).body.items;
    expect(dated.map((e: { data: { name: string } }) => e.data.name)).toEqual(['export']);
    const imported = (await dir.call('GET', '/api/v1/activity?type=user.created&pageSize=1')).body.items[0];
    expect(imported.data).toEqual({ source: 'import' });
    expect((await dir.call('GET', '/api/v1/activity?from=not-a-date')).body.errors[0].field).toBe('from');
  });

  it('is append-only: no route changes it and the database refuses edits, except redacting details', async () => {
    expect((await dir.call('DELETE', '/api/v1/activity')).status).toBe(404);
    expect((await dir.call('PATCH', '/api/v1/activity/1', {})).status).toBe(404);
    await expect(rawSql(`update activity_log set action = 'forged' where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(rawSql(`delete from activity_log where seq = 1`)).rejects.toThrow(/append-only/);
    await expect(rawSql(`update activity_log set data = '{"fields":[]}' where seq = 1`)).rejects.toThrow(/append-only/);
    await rawSql(`update activity_log set data = '{"redacted":true}' where seq = 1`);
    const first = (await dir.call('GET', '/api/v1/activity?pageSize=500')).body.items.at(-1);
    expect(first).toMatchObject({ id: 1, data: { redacted: true } });
  });

  it('answers the dashboard stats from SQL aggregates', async () => {
    const login = await dir.call('POST', '/api/v1/users', {
      username: 'stat',
      email: 'stat@example.org',
      firstName: 'St',
      lastName: 'At',
      password: 'stat-password-1',
    });
    expect(
      (await request(`${dir.url}/api/v1/auth/login`, 'POST', { username: 'stat', password: 'stat-password-1' })).status,
    ).toBe(200);
    const group = (await dir.call('POST', '/api/v1/groups', { name: 'Stats group' })).body;
    await dir.call('POST', `/api/v1/groups/${group.id}/members`, { userIds: [login.body.id, ann] });
    const stats = (await dir.call('GET', '/api/v1/stats?days=2')).body;
    expect(stats.users).toMatchObject({ total: 3, active: 2, inactive: 1, trash: 0, verified: 0, unverified: 3 });
    expect(stats.enrollment).toEqual({ none: 3 });
    expect(stats.roles.find((r: { key: string }) => r.key === 'auditor').count).toBe(1);
    expect(stats.groups[0]).toEqual({ id: group.id, name: 'Stats group', count: 2 });
    expect(stats.signInsPerDay).toEqual([
      { day: '2025-09-09', count: 0 },
      { day: '2025-09-10', count: 1 },
    ]);
    expect(stats.licenses).toEqual({ used: 0, pool: null });
    expect(stats.recentActivity).toHaveLength(10);
  });
});
