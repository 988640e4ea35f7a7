import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('auth', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-01-01T00:00:00Z');
  const login = (username: string, password: string) => request(`${dir.url}/api/v1/auth/login`, 'POST', { username, password });
  const as = (token: string, path: string, method = 'GET', body?: unknown) =>
    request(`${dir.url}${path}`, method, body, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    const user = (username: string, extra: Record<string, unknown>) =>
      dir.call('POST', '/api/v1/users', {
        username,
        email: `${username}@example.org`,
        firstName: 'Ann',
        lastName: 'Lee',
        ...extra,
      });
    expect((await user('ann', { password: 'ann-secret-1', roles: ['user_group_admin'] })).status).toBe(201);
    expect((await user('eve', { password: 'eve-secret-1', roles: ['end_user'] })).status).toBe(201);
    expect((await user('off', { password: 'off-secret-1', active: false })).status).toBe(201);
    expect((await user('bcrypt', { passwordHash: bcrypt.hashSync('from-bcrypt', 4) })).status).toBe(201);
    const salt = randomBytes(16);
    const hash = pbkdf2Sync('from-pbkdf2', salt, 1000, 32, 'sha256');
    const phc = `$pbkdf2-sha256$i=1000$${salt.toString('base64').replace(/=+$/, '')}$${hash.toString('base64').replace(/=+$/, '')}`;
    expect((await user('pbkdf2', { passwordHash: phc })).status).toBe(201);
  });
  afterAll(() => dir?.close());

  it('signs in, tells who is calling with effective permissions, and logs out', async () => {
    const res = await login('ANN', 'ann-secret-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const me = await as(res.body.accessToken, '/api/v1/auth/me');
    expect(me.body.user).toMatchObject({ username: 'ann', roles: ['user_group_admin'] });
    expect(me.body.permissions).toContain('users.create');
    expect(me.body.permissions).not.toContain('users.impersonate');
    expect(JSON.stringify(me.body)).not.toContain('password');
    expect((await as(res.body.accessToken, '/api/v1/auth/logout', 'POST')).status).toBe(204);
    expect((await as(res.body.accessToken, '/api/v1/auth/me')).status).toBe(401);
    expect((await request(`${dir.url}/api/v1/auth/refresh`, 'POST', { refreshToken: res.body.refreshToken })).status).toBe(401);
  });

  it('expires access tokens after 15 minutes and rotates refresh tokens, ending the session on reuse', async () => {
    const first = (await login('ann', 'ann-secret-1')).body;
    clock.advance(16 * 60_000);
    expect((await as(first.accessToken, '/api/v1/auth/me')).status).toBe(401);
    const second = await request(`${dir.url}/api/v1/auth/refresh`, 'POST', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await as(second.body.accessToken, '/api/v1/auth/me')).status).toBe(200);
    // Replaying the used refresh token ends the whole session, the new tokens included.
    expect((await request(`${dir.url}/api/v1/auth/refresh`, 'POST', { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await as(second.body.accessToken, '/api/v1/auth/me')).status).toBe(401);
    expect((await request(`${dir.url}/api/v1/auth/refresh`, 'POST', { refreshToken: second.body.refreshToken })).status).toBe(
      401,
    );
  });

  it('locks an account after five wrong passwords, without telling unknown users apart', async () => {
    const unknown = await login('nobody', 'whatever-pass');
    const wrong = await login('eve', 'not-the-password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
    for (let i = 0; i < 4; i++) await login('eve', 'not-the-password');
    const locked = await login('eve', 'eve-secret-1');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    expect((await login('eve', 'eve-secret-1')).status).toBe(200);
  });

  it('refuses deactivated users and gives end users no admin access', async () => {
    const off = await login('off', 'off-secret-1');
    expect(off.status).toBe(403);
    expect(off.body.code).toBe('inactive');
    const eve = (await login('eve', 'eve-secret-1')).body;
    const users = await as(eve.accessToken, '/api/v1/users');
    expect(users.status).toBe(403);
    expect(users.body).toMatchObject({ code: 'forbidden', permission: 'users.read' });
  });

  it('verifies imported bcrypt and PBKDF2 hashes and upgrades them to argon2id', async () => {
    expect((await login('bcrypt', 'wrong-one')).status).toBe(401);
    expect((await login('bcrypt', 'from-bcrypt')).status).toBe(200);
    expect((await login('pbkdf2', 'from-pbkdf2')).status).toBe(200);
    expect((await login('pbkdf2', 'from-pbkdf2')).status).toBe(200);
    const bad = await dir.call('POST', '/api/v1/users', {
      username: 'badhash',
      email: 'badhash@example.org',
      firstName: 'Bad',
      lastName: 'Hash',
      passwordHash: 'md5:abcdef',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'passwordHash', code: 'passwordHashFormat' }]);
  });

  it('creates API tokens for SCIM clients and revokes them', async () => {
    const created = await dir.call('POST', '/api/v1/tokens', { name: 'okta', role: 'user_group_admin' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^udk_/);
    const scim = await request(`${dir.url}/api/v1/users`, 'GET', undefined, { authorization: `Bearer ${created.body.token}` });
    expect(scim.status).toBe(200);
    const listed = await dir.call('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await dir.call('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect(
      (await request(`${dir.url}/api/v1/users`, 'GET', undefined, { authorization: `Bearer ${created.body.token}` })).status,
    ).toBe(401);
  });

  it('keeps the activity log append-only: UPDATE and DELETE are refused by the database', async () => {
    const log = await dir.call('GET', '/api/v1/activity?pageSize=200');
    expect(log.body.items.some((e: { action: string }) => e.action === 'auth.login')).toBe(true);
    expect(JSON.stringify(log.body)).not.toContain('ann@example.org');
    if (backend === 'sqlite') {
      const db = new SQLite(join(dir.dataDir, 'userdeck.db'));
      try {
        expect(() => db.prepare("update activity_log set action = 'x'").run()).toThrow(/append-only/);
        expect(() => db.prepare('delete from activity_log').run()).toThrow(/append-only/);
      } finally {
        db.close();
      }
    } else {
      const client = new pg.Client({ connectionString: dir.databaseUrl });
      await client.connect();
      try {
        await expect(client.query("update activity_log set action = 'x'")).rejects.toThrow(/append-only/);
        await expect(client.query('delete from activity_log')).rejects.toThrow(/append-only/);
        await expect(client.query('truncate activity_log')).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
      }
    }
  });
});
