import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { hash as argonHash } from '@node-rs/argon2';
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
    // The reference implementation's own example (phc-winner-argon2 README): argon2i, 64 MiB, t=2, p=4.
    const argon2i = '$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG';
    expect((await user('argon2i', { passwordHash: argon2i })).status).toBe(201);
    const argon2id = await argonHash('from-argon2id', { algorithm: 2, memoryCost: 4096, timeCost: 3, parallelism: 2 });
    expect((await user('argon2id', { passwordHash: argon2id })).status).toBe(201);
  });
  afterAll(() => dir?.close());

  /** The stored password hash, read from the database itself. */
  async function storedHash(username: string): Promise<string> {
    const query = 'select password_hash from users where username_lower = $1';
    if (backend === 'sqlite') {
      const db = new SQLite(join(dir.dataDir, 'userdeck.db'), { readonly: true });
      try {
        return (db.prepare(query.replace('$1', '?')).get(username) as { password_hash: string }).password_hash;
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: dir.databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ password_hash: string }>(query, [username])).rows[0]!.password_hash;
    } finally {
      await client.end();
    }
  }

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

  it('counts wrong passwords sent at the same time, so a guessing script cannot outrun the lock', async () => {
    expect(
      (
        await dir.call('POST', '/api/v1/users', {
          username: 'rush',
          email: 'rush@example.org',
          firstName: 'Rus',
          lastName: 'Hour',
          password: 'rush-secret-1',
        })
      ).status,
    ).toBe(201);
    const answers = await Promise.all(Array.from({ length: 5 }, () => login('rush', 'not-the-password')));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect((await login('rush', 'rush-secret-1')).status).toBe(429);
    const log = await dir.call('GET', '/api/v1/activity?type=auth.locked&pageSize=50');
    expect(log.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('follows the lockout policy of the settings: failures before the lock and its length', async () => {
    const settings = await dir.call('GET', '/api/v1/settings');
    expect(settings.body.policies).toMatchObject({ lockoutFailures: 5, lockoutMinutes: 15 });
    const bad = await dir.call('PATCH', '/api/v1/settings', { policies: { lockoutFailures: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('policies.lockoutFailures');
    const set = await dir.call('PATCH', '/api/v1/settings', { policies: { lockoutFailures: 2, lockoutMinutes: 60 } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.policies).toMatchObject({ lockoutFailures: 2, lockoutMinutes: 60 });
    const capabilities = await dir.call('GET', '/api/v1/capabilities');
    expect(capabilities.body.fieldSchema.policies).toMatchObject({ lockoutFailures: 2, lockoutMinutes: 60 });
    try {
      expect((await login('ann', 'not-the-password')).status).toBe(401);
      expect((await login('ann', 'not-the-password')).status).toBe(401);
      const locked = await login('ann', 'ann-secret-1');
      expect(locked.status).toBe(429);
      expect(locked.headers.get('content-type')).toContain('application/problem+json');
      expect(locked.body).toMatchObject({ code: 'locked', status: 429, detail: expect.stringContaining('60 minutes') });
      expect(Number(locked.headers.get('retry-after'))).toBe(3600);
      clock.advance(59 * 60_000);
      expect((await login('ann', 'ann-secret-1')).status).toBe(429);
      clock.advance(2 * 60_000);
      expect((await login('ann', 'ann-secret-1')).status).toBe(200);
      const log = await dir.call('GET', '/api/v1/activity?type=auth.locked&pageSize=50');
      expect(log.body.items.length).toBeGreaterThanOrEqual(1);
    } finally {
      await dir.call('PATCH', '/api/v1/settings', { policies: { lockoutFailures: 5, lockoutMinutes: 15 } });
    }
  });

  it('limits sign-ins per client address with a 429 problem saying how long to wait', async () => {
    const small = await startTestDirectory(backend, { clock, limits: { loginAttemptsPerMinute: 3 } });
    try {
      const attempt = () => request(`${small.url}/api/v1/auth/login`, 'POST', { username: 'nobody', password: 'whatever-pass' });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
      expect(limited.body).toEqual({
        type: 'https://userdeck.dev/problems/rateLimited',
        title: 'Too Many Requests',
        status: 429,
        detail: 'too many sign-in attempts from this address: wait 60 s',
        instance: '/api/v1/auth/login',
        code: 'rateLimited',
      });
      expect(limited.headers.get('retry-after')).toBe('60');
      // Other routes are not limited, and the window moves on with the server's clock.
      expect((await small.call('GET', '/api/v1/auth/me')).status).toBe(200);
      clock.advance(61_000);
      expect((await attempt()).status).toBe(401);
    } finally {
      await small.close();
    }
  });

  it('applies the password policy beyond length when users are created or changed through the API', async () => {
    await dir.call('PATCH', '/api/v1/settings', {
      policies: {
        passwordMinLength: 10,
        passwordRequireMixedCase: true,
        passwordRequireDigit: true,
        passwordRequireSymbol: true,
      },
    });
    try {
      const person = (username: string, password: string) =>
        dir.call('POST', '/api/v1/users', {
          username,
          email: `${username}@example.org`,
          firstName: 'Pol',
          lastName: 'Icy',
          password,
        });
      const weak = await person('weakpass', 'onlylowercase');
      expect(weak.status).toBe(400);
      expect(weak.body.errors).toEqual([
        { field: 'password', code: 'passwordMixedCase' },
        { field: 'password', code: 'passwordDigit' },
        { field: 'password', code: 'passwordSymbol' },
      ]);
      const short = await person('shortpass', 'Ab1!');
      expect(short.body.errors).toEqual([{ field: 'password', code: 'passwordTooShort', params: { min: 10, length: 4 } }]);
      // Letters and digits of any script count.
      const strong = await person('strongpass', 'Ñandú-٣٣-Pass');
      expect(strong.status, strong.text).toBe(201);
      expect((await login('strongpass', 'Ñandú-٣٣-Pass')).status).toBe(200);
      const change = await dir.call('PATCH', `/api/v1/users/${strong.body.id}`, { password: 'no-upper-case-1' });
      expect(change.status).toBe(400);
      expect(change.body.errors).toEqual([{ field: 'password', code: 'passwordMixedCase' }]);
      // A temporary password the server makes follows the policy too: it signs in (then must change).
      const reset = await dir.call('POST', `/api/v1/users/${strong.body.id}/reset-password`, { method: 'temporary' });
      expect(reset.status, reset.text).toBe(200);
      const temporary: string = reset.body.temporaryPassword;
      expect(temporary.length).toBeGreaterThanOrEqual(10);
      expect(temporary).toMatch(/\p{Lu}/u);
      expect(temporary).toMatch(/\p{Ll}/u);
      expect(temporary).toMatch(/\p{N}/u);
      expect(temporary).toMatch(/[^\p{L}\p{N}]/u);
      expect((await login('strongpass', temporary)).body.code).toBe('passwordChangeRequired');
    } finally {
      await dir.call('PATCH', '/api/v1/settings', {
        policies: {
          passwordMinLength: 8,
          passwordRequireMixedCase: false,
          passwordRequireDigit: false,
          passwordRequireSymbol: false,
        },
      });
    }
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
    expect(await storedHash('pbkdf2')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('verifies imported argon2 hashes of other parameters and upgrades them to the OWASP argon2id ones', async () => {
    expect(await storedHash('argon2i')).toMatch(/^\$argon2i\$v=19\$m=65536,t=2,p=4\$/);
    expect((await login('argon2i', 'Password')).status).toBe(401);
    expect((await login('argon2i', 'password')).status).toBe(200);
    const upgraded = await storedHash('argon2i');
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await login('argon2i', 'password')).status).toBe(200);
    expect(await storedHash('argon2i')).toBe(upgraded);

    expect((await login('argon2id', 'wrong-one')).status).toBe(401);
    expect(await storedHash('argon2id')).toMatch(/^\$argon2id\$v=19\$m=4096,t=3,p=2\$/);
    expect((await login('argon2id', 'from-argon2id')).status).toBe(200);
    expect(await storedHash('argon2id')).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
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
