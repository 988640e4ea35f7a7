import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const person = (n: string, extra: Record<string, unknown> = {}) => ({
  username: `user.${n}`,
  email: `user.${n}@example.org`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  ...extra,
});

describeBackends('admin API: users', (backend) => {
  let dir: TestDirectory;
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
  });
  afterAll(() => dir?.close());

  it('creates a user with relations and returns it with an ETag and Location', async () => {
    const res = await dir.call('POST', '/api/v1/users', {
      ...person('create'),
      firstName: 'Zoë',
      lastName: 'Åström',
      tags: ['VIP', 'beta'],
      groups: ['Sales'],
      roles: ['auditor'],
      language: 'fr-CA',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.headers.get('location')).toBe(`/api/v1/users/${res.body.id}`);
    expect(res.body).toMatchObject({
      username: 'user.create',
      firstName: 'Zoë',
      roles: ['auditor'],
      tags: ['beta', 'VIP'],
      groups: [{ name: 'Sales' }],
      source: 'manual',
      active: true,
      version: 1,
    });
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('passwordHash');
  });

  it('refuses invalid users with problem+json naming each field', async () => {
    const res = await dir.call('POST', '/api/v1/users', { username: 'has space', email: 'nope', firstName: 'A' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = res.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`);
    expect(fields).toEqual(expect.arrayContaining(['username:usernameFormat', 'email:email', 'lastName:required']));
    expect(res.body.detail).toContain('email is not a valid email address');
    const unknown = await dir.call('POST', '/api/v1/users', { ...person('x'), shoeSize: 44 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ field: 'shoeSize', code: 'unknownField' }]);
    const wrongType = await dir.call('POST', '/api/v1/users', { ...person('y'), active: 'yes' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].field).toBe('active');
  });

  it('keeps usernames unique case-insensitively and emails unique by policy', async () => {
    await dir.call('POST', '/api/v1/users', person('uniq'));
    const sameName = await dir.call('POST', '/api/v1/users', { ...person('other'), username: 'USER.UNIQ' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.errors).toEqual([{ field: 'username', code: 'duplicate' }]);
    const sameEmail = await dir.call('POST', '/api/v1/users', { ...person('other2'), email: 'User.Uniq@Example.org' });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.errors).toEqual([{ field: 'email', code: 'duplicate' }]);
  });

  it('gets with If-None-Match 304 and patches with If-Match 412', async () => {
    const created = (await dir.call('POST', '/api/v1/users', person('etag'))).body;
    const again = await dir.call('GET', `/api/v1/users/${created.id}`, undefined, { 'if-none-match': 'W/"1"' });
    expect(again.status).toBe(304);
    const patched = await dir.call(
      'PATCH',
      `/api/v1/users/${created.id}`,
      { phone: '+33 1 23 45 67 89' },
      { 'if-match': 'W/"1"' },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ phone: '+33 1 23 45 67 89', version: 2 });
    expect(patched.headers.get('etag')).toBe('W/"2"');
    const stale = await dir.call('PATCH', `/api/v1/users/${created.id}`, { phone: '+1 555 0100' }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    const unchanged = await dir.call('GET', `/api/v1/users/${created.id}`);
    expect(unchanged.body.phone).toBe('+33 1 23 45 67 89');
    const missing = await dir.call('GET', '/api/v1/users/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('notFound');
  });

  it('moves users to the trash, and keeps those with activity by policy', async () => {
    const created = (await dir.call('POST', '/api/v1/users', person('trash'))).body;
    expect((await dir.call('DELETE', `/api/v1/users/${created.id}`)).status).toBe(204);
    const trashed = await dir.call('GET', `/api/v1/users/${created.id}`);
    expect(trashed.body.deletedAt).not.toBeNull();
    const list = await dir.call('GET', '/api/v1/users?status=trash');
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(created.id);
    const active = await dir.call('GET', '/api/v1/users?q=user.trash');
    expect(active.body.items).toHaveLength(0);

    const withPassword = (await dir.call('POST', '/api/v1/users', person('active1', { password: 'correct horse' }))).body;
    const login = await dir.call('POST', '/api/v1/auth/login', { username: 'user.active1', password: 'correct horse' });
    expect(login.status).toBe(200);
    const refused = await dir.call('DELETE', `/api/v1/users/${withPassword.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('hasActivity');
  });

  it('looks users up by usernames and emails, case-insensitively', async () => {
    await dir.call('POST', '/api/v1/users', person('look1'));
    await dir.call('POST', '/api/v1/users', person('look2'));
    const res = await dir.call('POST', '/api/v1/users/lookup', {
      usernames: ['USER.LOOK1', 'nobody'],
      emails: ['user.look2@EXAMPLE.org'],
    });
    expect(res.status).toBe(200);
    expect(res.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['user.look1', 'user.look2']);
    const tooMany = await dir.call('POST', '/api/v1/users/lookup', {
      usernames: Array.from({ length: 1001 }, (_, i) => `u${i}`),
    });
    expect(tooMany.status).toBe(400);
  });

  it('runs a batch: created, updated, skipped and failed rows, and replays idempotency keys', async () => {
    await dir.call('POST', '/api/v1/users', person('batch0', { phone: '+1 555 0000' }));
    const rows = [
      { key: 'k1', action: 'upsert', user: person('batch1', { customFields: {} }) },
      { key: 'k2', action: 'upsert', user: { username: 'USER.BATCH0', phone: '+1 555 9999' } },
      { key: 'k3', action: 'upsert', user: { username: 'USER.BATCH0', phone: '+1 555 9999', firstName: '' } },
      { key: 'k4', action: 'create', user: person('batch4', { email: 'broken' }) },
      { key: 'k5', action: 'create', user: person('batch0') },
      { key: 'k6', action: 'update', user: person('nobody') },
      { key: 'k7', action: 'create', user: person('batch1') },
      { key: 'k1', action: 'create', user: person('dup') },
    ];
    const res = await dir.call('POST', '/api/v1/users/batch', { rows });
    expect(res.status).toBe(200);
    const byKey = res.body.results.map((r: { key: string; status: string; reason?: { code: string; field?: string } }) => [
      r.key,
      r.status,
      r.reason?.code,
      r.reason?.field,
    ]);
    expect(byKey).toEqual([
      ['k1', 'created', undefined, undefined],
      ['k2', 'updated', undefined, undefined],
      ['k3', 'skipped', 'unchanged', undefined],
      ['k4', 'failed', 'email', 'email'],
      ['k5', 'failed', 'exists', 'username'],
      ['k6', 'failed', 'notFound', undefined],
      ['k7', 'failed', 'duplicate', 'username'],
      ['k1', 'failed', 'duplicateKey', undefined],
    ]);
    const created = res.body.results[0].userId;
    const user = await dir.call('GET', `/api/v1/users/${created}`);
    expect(user.body.source).toBe('import');

    // The same keys again: the first results come back and nothing changes.
    const replay = await dir.call('POST', '/api/v1/users/batch', {
      rows: [
        { key: 'k1', action: 'upsert', user: person('batch1', { firstName: 'Changed' }) },
        { key: 'k2', action: 'upsert', user: { username: 'user.batch0', phone: '+1 555 1234' } },
      ],
    });
    expect(replay.body.results).toEqual([res.body.results[0], res.body.results[1]]);
    expect((await dir.call('GET', `/api/v1/users/${created}`)).body.firstName).toBe('Firstbatch1');

    const tooMany = await dir.call('POST', '/api/v1/users/batch', {
      rows: Array.from({ length: 1001 }, (_, i) => ({ key: `x${i}`, action: 'create', user: person(`x${i}`) })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('rows');
  });

  it('creates 1,000 rows in one batch', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      key: `bulk-${i}`,
      action: 'create',
      user: person(`bulk${i}`, { tags: [`t${i % 3}`], groups: ['Bulk'] }),
    }));
    const res = await dir.call('POST', '/api/v1/users/batch', { rows });
    expect(res.status).toBe(200);
    expect(res.body.results.filter((r: { status: string }) => r.status === 'created')).toHaveLength(1000);
    const list = await dir.call('GET', '/api/v1/users?group=Bulk&tags=t1&pageSize=5');
    expect(list.body.total).toBe(333);
  });

  it.runIf(backend === 'postgres')('refreshes PostgreSQL statistics after a bulk import', async () => {
    const client = new pg.Client({ connectionString: dir.databaseUrl });
    await client.connect();
    try {
      const analyzed = async () =>
        (await client.query("select last_analyze::text as t from pg_stat_user_tables where relname = 'user_tags'")).rows[0]?.t as
          string | null;
      const before = await analyzed();
      const rows = Array.from({ length: 1000 }, (_, i) => ({
        key: `stats-${i}`,
        action: 'create',
        user: person(`stats${i}`, { tags: ['stats'] }),
      }));
      expect((await dir.call('POST', '/api/v1/users/batch', { rows })).status).toBe(200);
      let after = await analyzed();
      for (let i = 0; i < 100 && String(after) === String(before); i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await analyzed();
      }
      expect(after).toBeTruthy();
      expect(String(after)).not.toBe(String(before));
    } finally {
      await client.end();
    }
  });

  it('runs concurrent batches that create the same new groups and tags', async () => {
    const batch = (n: number) =>
      dir.call('POST', '/api/v1/users/batch', {
        rows: Array.from({ length: 200 }, (_, i) => ({
          key: `conc-${n}-${i}`,
          action: 'create',
          user: person(`conc${n}x${i}`, { tags: [`ct${i % 7}`], groups: [`CG ${i % 5}`] }),
        })),
      });
    const results = await Promise.all([batch(1), batch(2), batch(3)]);
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.body.results.every((r: { status: string }) => r.status === 'created')).toBe(true);
    }
    expect((await dir.call('GET', '/api/v1/users?group=CG 3&pageSize=1')).body.total).toBe(120);
    expect((await dir.call('GET', '/api/v1/tags?q=ct')).body.total).toBe(7);
  });

  it('serves capabilities with the field schema, features and limits', async () => {
    const res = await dir.call('GET', '/api/v1/capabilities');
    expect(res.status).toBe(200);
    expect(res.body.product).toBe('userdeck');
    expect(res.body.features).toContain('users');
    expect(res.body.limits).toEqual({ pageSizeMax: 500, batchMax: 1000, lookupMax: 1000 });
    expect(res.body.fieldSchema.policies.passwordMinLength).toBe(8);
    expect(res.body.fieldSchema.roles.map((r: { key: string }) => r.key)).toContain('auditor');
  });

  it('serves an OpenAPI document generated from the routes', async () => {
    const res = await dir.call('GET', '/api/v1/openapi.json', undefined, { authorization: '' });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/api/v1/users'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['q', 'sort', 'order', 'page', 'pageSize', 'status', 'tags', 'tagsMode']),
    );
    expect(res.body.paths['/api/v1/users/{id}'].patch['x-permission']).toBe('users.update');
  });

  it('refuses callers without a valid token', async () => {
    const res = await dir.call('GET', '/api/v1/users', undefined, { authorization: 'Bearer wrong' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.code).toBe('unauthorized');
  });
});
