import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../tests/helpers/bridge-process';
import { request } from '../../tests/helpers/directory';
import { createDatabase } from '../../tests/helpers/postgres';
import { syntheticUser } from '../../server/seed/synthetic';
import { runCli } from '../main';

const token = 'serve-test-bootstrap-token-42';

function startServe(args: string[]): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/userdeck.js', 'serve', ...args], {
    cwd: projectRoot,
    env: { ...process.env, USERDECK_BOOTSTRAP_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^Userdeck directory listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

async function cli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, { stdout, stderr });
  return { code, out, err };
}

describe('userdeck serve and seed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-serve-'));
  let server: Awaited<ReturnType<typeof startServe>>;
  beforeAll(async () => {
    server = await startServe(['--data', dataDir, '--port', '0']);
  });
  afterAll(() => {
    server?.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the ready line with the real port and accepts the bootstrap token', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
    const me = await request(`${server.url}/api/v1/auth/me`, 'GET', undefined, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.token.name).toBe('bootstrap');
    expect(me.body.permissions).toContain('users.impersonate');
  });

  it('seeds deterministic, varied users in batches', async () => {
    const res = await cli(['seed', '--url', server.url, '--token', token, '--count', '1500', '--json']);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ created: 1500, failed: 0 });
    const auth = { authorization: `Bearer ${token}` };
    const all = await request(`${server.url}/api/v1/users?pageSize=500`, 'GET', undefined, auth);
    expect(all.body.total).toBe(1500);
    const text = JSON.stringify(all.body.items);
    expect(text).toMatch(/[À-ž]/u);
    expect(text).toMatch(/[\u0400-\u04ff\u4e00-\u9fff\u0600-\u06ff]/u);
    const first = await request(
      `${server.url}/api/v1/users?q=${encodeURIComponent(syntheticUser(7).email!)}`,
      'GET',
      undefined,
      auth,
    );
    expect(first.body.items[0]).toMatchObject({ username: syntheticUser(7).username, createdAt: syntheticUser(7).createdAt });
    const early = await request(`${server.url}/api/v1/users?registeredTo=2017-12-31&pageSize=1`, 'GET', undefined, auth);
    const late = await request(`${server.url}/api/v1/users?registeredFrom=2023-01-01&pageSize=1`, 'GET', undefined, auth);
    expect(early.body.total).toBeGreaterThan(100);
    expect(late.body.total).toBeGreaterThan(100);
    const never = await request(`${server.url}/api/v1/users?connected=never&pageSize=1`, 'GET', undefined, auth);
    expect(never.body.total).toBeGreaterThan(100);
    expect(never.body.total).toBeLessThan(600);
    const tagged = await request(`${server.url}/api/v1/users?tags=vip&pageSize=1`, 'GET', undefined, auth);
    expect(tagged.body.total).toBeGreaterThan(0);
    const dept = await request(`${server.url}/api/v1/users?cf.department=Sales&pageSize=1`, 'GET', undefined, auth);
    expect(dept.body.total).toBeGreaterThan(0);
    // Seeding again changes nothing: the idempotency keys replay.
    const again = await cli(['seed', '--url', server.url, '--token', token, '--count', '1500', '--json']);
    expect(again.code).toBe(0);
    expect((await request(`${server.url}/api/v1/users?pageSize=1`, 'GET', undefined, auth)).body.total).toBe(1500);
  });

  it('refuses bad arguments with exit 2 and unreachable servers with exit 3', async () => {
    expect((await cli(['seed', '--url', server.url, '--count', '3'])).code).toBe(2);
    expect((await cli(['seed', '--url', server.url, '--token', token, '--count', 'many'])).err).toContain('--count');
    expect((await cli(['seed', '--url', server.url, '--token', 'wrong-token', '--count', '3'])).code).toBe(2);
    expect((await cli(['seed', '--url', 'http://127.0.0.1:1', '--token', token, '--count', '3'])).code).toBe(3);
    expect((await cli(['serve', '--port', '80'])).err).toContain('missing --data');
    expect((await cli(['serve', '--data', dataDir, '--port', 'eighty'])).code).toBe(2);
    const port = new URL(server.url).port;
    const busy = await cli(['serve', '--data', mkdtempSync(join(tmpdir(), 'userdeck-busy-')), '--port', port]);
    expect(busy.code).toBe(1);
    expect(busy.err).toContain(`port ${port} is already in use`);
  });

  it('stops cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});

describe.skipIf(!inject('pgUrl'))('userdeck serve --database postgres://…', () => {
  it('starts on PostgreSQL with the same ready line and bootstrap token', async () => {
    const db = await createDatabase(inject('pgUrl')!);
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-serve-pg-'));
    const server = await startServe(['--data', dataDir, '--port', '0', '--database', db.url]);
    try {
      const auth = { authorization: `Bearer ${token}` };
      const created = await request(
        `${server.url}/scim/v2/Users`,
        'POST',
        { userName: 'pg.user' },
        { ...auth, 'content-type': 'application/scim+json' },
      );
      expect(created.status).toBe(201);
      const listed = await request(`${server.url}/api/v1/users?q=pg.user`, 'GET', undefined, auth);
      expect(listed.body.total).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
