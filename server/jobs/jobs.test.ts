import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { adminToken, describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('bulk jobs', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-06-01T12:00:00Z');
  const tokens: Record<string, string> = {};
  const as = (role: string, method: string, path: string, body?: unknown) =>
    request(`${dir.url}${path}`, method, body, { authorization: `Bearer ${tokens[role]}` });
  /** A CSV download: the text, after checking the UTF-8 byte order mark spreadsheets need. */
  const csv = async (path: string) => {
    const res = await fetch(`${dir.url}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return bytes.subarray(3).toString('utf8');
  };

  const waitJob = async (id: string) => {
    for (let i = 0; i < 600; i++) {
      const job = (await dir.call('GET', `/api/v1/jobs/${id}`)).body;
      if (job.status !== 'running') return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${id} did not finish`);
  };
  const run = async (body: Record<string, unknown>) => {
    const res = await dir.call('POST', '/api/v1/jobs', body);
    expect(res.status, res.text).toBe(202);
    return waitJob(res.body.id);
  };
  const seed = async (prefix: string, count: number, extra: Record<string, unknown> = {}) => {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 1000) {
      const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
        key: `${prefix}-${start + i}`,
        action: 'create',
        user: {
          username: `${prefix}${start + i}`,
          email: `${prefix}${start + i}@example.org`,
          firstName: 'Bulk',
          lastName: `User ${start + i}`,
          ...extra,
        },
      }));
      const res = await dir.call('POST', '/api/v1/users/batch', { rows });
      expect(res.status, res.text).toBe(200);
      ids.push(...res.body.results.map((r: { userId: string }) => r.userId));
    }
    return ids;
  };

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock, background: { chunkSize: 100 } });
    for (const role of ['auditor', 'implementer', 'user_group_admin']) {
      const res = await dir.call('POST', '/api/v1/tokens', { name: `jobs-${role}`, role });
      tokens[role] = res.body.token;
    }
  });
  afterAll(() => dir?.close());

  it('previews an action on all matching users without changing anyone, with counts and reasons', async () => {
    const ids = await seed('pre', 30, { tags: ['preview'] });
    await dir.call('POST', `/api/v1/users/${ids[0]}/deactivate`, {});
    await dir.call('POST', `/api/v1/users/${ids[1]}/deactivate`, {});
    const preview = await dir.call('POST', '/api/v1/jobs', { action: 'deactivate', filter: { tags: 'preview' }, dryRun: true });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ action: 'deactivate', total: 30, change: 28, skip: 2, fail: 0 });
    expect(preview.body.reasons).toEqual([
      { status: 'skipped', code: 'alreadyInactive', message: 'the user is already inactive', count: 2 },
    ]);
    expect((await dir.call('GET', '/api/v1/users?tags=preview&status=active')).body.total).toBe(28);
    const onIds = await dir.call('POST', '/api/v1/jobs', { action: 'activate', userIds: [ids[0], 'no-such-user'], dryRun: true });
    expect(onIds.body).toMatchObject({ total: 2, change: 1, fail: 1 });
    expect(onIds.body.reasons[0]).toMatchObject({ status: 'failed', code: 'notFound' });
    expect(
      (await dir.call('GET', '/api/v1/jobs?pageSize=100')).body.items.every((j: { action: string }) => j.action !== 'deactivate'),
    ).toBe(true);
  });

  it('refuses bad requests naming the field, and actions beyond the caller’s permissions', async () => {
    const both = await dir.call('POST', '/api/v1/jobs', { action: 'activate', userIds: ['a'], filter: { q: 'x' } });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('filter');
    const noTags = await dir.call('POST', '/api/v1/jobs', { action: 'addTags', params: { tags: [] }, filter: {} });
    expect(noTags.status).toBe(400);
    expect(noTags.body.errors[0].field).toBe('params.tags');
    const unknownGroup = await dir.call('POST', '/api/v1/jobs', {
      action: 'addGroups',
      params: { groups: ['No such group'] },
      filter: {},
    });
    expect(unknownGroup.body.errors[0].field).toBe('params.groups');
    const badFilter = await dir.call('POST', '/api/v1/jobs', { action: 'activate', filter: { registeredFrom: 'yesterday' } });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].field).toBe('filter.registeredFrom');
    const noConfirm = await dir.call('POST', '/api/v1/jobs', { action: 'anonymize', userIds: ['a'] });
    expect(noConfirm.body.errors[0].field).toBe('params.confirm');
    const auditor = await as('auditor', 'POST', '/api/v1/jobs', { action: 'activate', userIds: ['a'], dryRun: true });
    expect(auditor.status).toBe(403);
    expect(auditor.body.permission).toBe('jobs.run');
    const implementer = await as('implementer', 'POST', '/api/v1/jobs', { action: 'delete', userIds: ['a'] });
    expect(implementer.status).toBe(403);
    expect(implementer.body.permission).toBe('users.delete');
    const escalate = await as('user_group_admin', 'POST', '/api/v1/jobs', {
      action: 'addRoles',
      params: { roles: ['administrator'] },
      userIds: ['a'],
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.permission).toBe('roles.assign');
  });

  it('runs an action on 1,200 matching users in SQL batches, with progress, per-user results and a CSV', async () => {
    await seed('big', 1200, { tags: ['cohort'] });
    const started = Date.now();
    const res = await dir.call('POST', '/api/v1/jobs', {
      action: 'addTags',
      params: { tags: ['reviewed'] },
      filter: { tags: 'cohort' },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ action: 'addTags', status: 'running', total: 1200 });
    const job = await waitJob(res.body.id);
    const seconds = (Date.now() - started) / 1000;
    expect(job).toMatchObject({ status: 'done', total: 1200, processed: 1200, done: 1200, skipped: 0, failed: 0 });
    expect(seconds).toBeLessThan(15);
    expect((await dir.call('GET', '/api/v1/users?tags=reviewed&pageSize=1')).body.total).toBe(1200);

    const again = await run({ action: 'addTags', params: { tags: ['reviewed'] }, filter: { tags: 'cohort' } });
    expect(again).toMatchObject({ done: 0, skipped: 1200 });
    const results = (await dir.call('GET', `/api/v1/jobs/${again.id}/results?status=skipped&pageSize=2`)).body;
    expect(results).toMatchObject({ total: 1200, page: 1, pageSize: 2 });
    expect(results.items[0]).toMatchObject({ status: 'skipped', code: 'unchanged', username: 'big0' });
    const file = await csv(`/api/v1/jobs/${job.id}/results.csv`);
    const lines = file.trim().split('\r\n');
    expect(lines[0]).toBe('userId,username,status,code,reason,processedAt');
    expect(lines).toHaveLength(1201);
    expect(lines[1]).toMatch(/^[0-9a-f-]{36},big0,done,,,2025-06-01T12:00:00\.000Z$/);
  });

  it('cancels a running job: the users not reached are skipped as cancelled', async () => {
    const slow = await startTestDirectory(backend, { clock, background: { chunkSize: 10, chunkPauseMs: 100 } });
    try {
      await slow.call('POST', '/api/v1/users/batch', {
        rows: Array.from({ length: 200 }, (_, i) => ({
          key: `s${i}`,
          action: 'create',
          user: { username: `slow${i}`, email: `slow${i}@example.org`, firstName: 'S', lastName: 'L' },
        })),
      });
      const res = await slow.call('POST', '/api/v1/jobs', { action: 'deactivate', filter: { q: 'slow' } });
      await new Promise((r) => setTimeout(r, 250));
      const cancelled = await slow.call('POST', `/api/v1/jobs/${res.body.id}/cancel`, {});
      expect(cancelled.body.status).toBe('cancelled');
      await new Promise((r) => setTimeout(r, 300));
      const job = (await slow.call('GET', `/api/v1/jobs/${res.body.id}`)).body;
      expect(job.processed).toBe(job.total);
      expect(job.done).toBeGreaterThan(0);
      expect(job.done).toBeLessThan(200);
      expect(job.done + job.skipped).toBe(200);
      const skipped = (await slow.call('GET', `/api/v1/jobs/${res.body.id}/results?status=skipped&pageSize=1`)).body;
      expect(skipped.items[0]).toMatchObject({ code: 'cancelled' });
      expect((await slow.call('GET', '/api/v1/users?q=slow&status=active')).body.total).toBe(200 - job.done);
      expect((await slow.call('POST', `/api/v1/jobs/${res.body.id}/cancel`, {})).status).toBe(409);
    } finally {
      await slow.close();
    }
  });

  it('does every bulk action an administrator needs, on ids or on a filter', async () => {
    const ids = await seed('act', 6, { roles: ['end_user'] });
    const group = (await dir.call('POST', '/api/v1/groups', { name: 'Bulk group' })).body;
    const badge = (await dir.call('POST', '/api/v1/badges', { key: 'helper', name: 'Helper' })).body;
    const by = { userIds: ids };
    expect(await run({ action: 'addGroups', params: { groups: ['Bulk group'] }, ...by })).toMatchObject({ done: 6 });
    expect((await dir.call('GET', `/api/v1/groups/${group.id}`)).body.memberCount).toBe(6);
    expect(await run({ action: 'removeGroups', params: { groups: [group.id] }, userIds: ids.slice(0, 2) })).toMatchObject({
      done: 2,
    });
    expect(await run({ action: 'addRoles', params: { roles: ['auditor'] }, ...by })).toMatchObject({ done: 6 });
    expect(await run({ action: 'removeRoles', params: { roles: ['end_user'] }, ...by })).toMatchObject({ done: 6 });
    expect((await dir.call('GET', `/api/v1/users/${ids[0]}`)).body.roles).toEqual(['auditor']);
    expect((await dir.call('GET', `/api/v1/users/${ids[0]}/rights`)).body.permissions).toContain('users.read');
    expect(await run({ action: 'grantBadge', params: { badge: 'helper' }, ...by })).toMatchObject({ done: 6 });
    expect((await dir.call('GET', `/api/v1/users/${ids[1]}`)).body.badges).toEqual(['helper']);
    expect((await dir.call('GET', '/api/v1/badges')).body.items.find((b: { id: string }) => b.id === badge.id).holders).toBe(6);
    expect(await run({ action: 'revokeBadge', params: { badge: badge.id }, userIds: [ids[1]] })).toMatchObject({ done: 1 });
    expect(await run({ action: 'setLanguage', params: { language: 'fr' }, ...by })).toMatchObject({ done: 6 });
    expect(await run({ action: 'assignLicense', params: { license: 'pro' }, ...by })).toMatchObject({ done: 6 });
    expect((await dir.call('GET', `/api/v1/users/${ids[2]}`)).body).toMatchObject({ language: 'fr', license: 'pro' });
    expect(await run({ action: 'releaseLicense', ...by })).toMatchObject({ done: 6 });
    expect(await run({ action: 'invite', ...by })).toMatchObject({ done: 6 });
    expect(await run({ action: 'invite', userIds: [ids[0]] })).toMatchObject({ done: 1 });
    expect((await dir.call('GET', `/api/v1/users/${ids[0]}`)).body).toMatchObject({ enrollment: 'sent', invitationResends: 1 });
    expect(await run({ action: 'resetPassword', userIds: ids.slice(0, 3) })).toMatchObject({ done: 3 });
    expect(
      (await dir.call('GET', `/api/v1/outbox?userId=${ids[1]}`)).body.items.map((m: { kind: string }) => m.kind).sort(),
    ).toEqual(['invitation', 'passwordReset']);
    expect(await run({ action: 'ban', params: { reason: 'bulk spam' }, userIds: [ids[5]] })).toMatchObject({ done: 1 });
    expect((await dir.call('GET', `/api/v1/users/${ids[5]}`)).body).toMatchObject({
      inactiveReason: 'banned',
      statusNote: 'bulk spam',
    });
    expect(await run({ action: 'delete', userIds: ids.slice(3) })).toMatchObject({ done: 3 });
    expect(await run({ action: 'restore', filter: { q: 'act' } })).toMatchObject({ total: 3, done: 3 });
    expect(await run({ action: 'delete', userIds: [ids[4]] })).toMatchObject({ done: 1 });
    expect(await run({ action: 'purge', params: { confirm: true }, userIds: [ids[4]] })).toMatchObject({ done: 1 });
    const anonymized = await run({ action: 'anonymize', params: { confirm: true }, userIds: [ids[3]] });
    expect(anonymized).toMatchObject({ done: 1 });
    const listed = (await dir.call('GET', `/api/v1/jobs?status=done&pageSize=500`)).body;
    expect(listed.items.find((j: { id: string }) => j.id === anonymized.id)).toMatchObject({
      action: 'anonymize',
      createdBy: { type: 'token' },
    });
  });

  it('exports the selected users as CSV with the chosen columns, formula cells escaped', async () => {
    await dir.call('POST', '/api/v1/users', {
      username: 'formula',
      email: 'formula@example.org',
      firstName: '=HYPERLINK("x")',
      lastName: 'Doe, Jr',
    });
    const job = await run({
      action: 'export',
      params: { columns: ['username', 'firstName', 'lastName', 'tags'] },
      filter: { q: 'formula' },
    });
    expect(job).toMatchObject({ done: 1 });
    const file = await csv(`/api/v1/jobs/${job.id}/export.csv`);
    expect(file).toBe('username,firstName,lastName,tags\r\nformula,"\'=HYPERLINK(""x"")","Doe, Jr",\r\n');
    const bad = await dir.call('POST', '/api/v1/jobs', { action: 'export', params: { columns: ['password'] }, filter: {} });
    expect(bad.body.errors[0].field).toBe('params.columns.0');
  });
});
