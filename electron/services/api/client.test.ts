/**
 * The API client against the real directory server, started in-process. Failures a healthy local
 * server never shows (429/503, stalls, TLS, proxies) come from real network pieces put in front of
 * it (tests/helpers/net-front.ts), so the client always talks HTTP to something real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRow } from '../../../common/api/admin';
import { startServer, type RunningServer } from '../../../server/index';
import { testCertificates } from '../../../tests/helpers/certs';
import { closedPort, startConnectProxy, startFaultFront, startTlsFront, type FaultFront } from '../../../tests/helpers/net-front';
import { createApiClient, type ApiClient, type ApiClientOptions, type ApiCredentials } from './index';
import { failure } from '../../../tests/helpers/failure';

const adminToken = `client-test-${randomUUID()}`;
let server: RunningServer;
let dataDir: string;
let front: FaultFront;
const clients: ApiClient[] = [];

function client(options: Partial<ApiClientOptions> & { credentials?: ApiCredentials } = {}): ApiClient {
  const api = createApiClient({
    baseUrl: server.url,
    credentials: { method: 'token', token: adminToken },
    proxy: { mode: 'none' },
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  clients.push(api);
  return api;
}

const unique = () => randomUUID().slice(0, 8);
const person = (over: Record<string, unknown> = {}) => {
  const u = unique();
  return { username: `user.${u}`, email: `user.${u}@example.org`, firstName: 'Ana', lastName: 'Pérez', ...over };
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'userdeck-client-'));
  server = await startServer({ dataDir, bootstrapToken: adminToken });
  front = await startFaultFront(server.url);
});

afterAll(async () => {
  for (const api of clients) api.dispose();
  await front.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('admin API calls', () => {
  it('reads capabilities and the caller', async () => {
    const api = client();
    const caps = await api.admin.capabilities();
    expect(caps).toMatchObject({ product: 'userdeck', features: expect.arrayContaining(['users']) });
    expect(caps.fieldSchema.policies.passwordMinLength).toBeGreaterThan(0);
    const me = await api.admin.me();
    expect(me.user).toBeNull();
    expect(me.token?.name).toBe('bootstrap');
    expect(me.permissions).toContain('users.create');
  });

  it('creates, reads, patches with If-Match, lists with the cursor, looks up, batches and deletes', async () => {
    const api = client();
    const created = await api.admin.createUser(person({ lastName: 'Cursor' }));
    expect(created.etag).toBe(`W/"${created.value.version}"`);
    const read = await api.admin.getUser(created.value.id);
    expect(read.value.username).toBe(created.value.username);

    const patched = await api.admin.patchUser(created.value.id, { firstName: 'Berta' }, { ifMatch: read.etag! });
    expect(patched.value.firstName).toBe('Berta');
    expect(patched.value.version).toBeGreaterThan(read.value.version);

    for (let i = 0; i < 4; i++) await api.admin.createUser(person({ lastName: 'Cursor' }));
    const pages: string[][] = [];
    for await (const items of api.admin.iterateUsers({ q: 'Cursor', pageSize: 2 })) pages.push(items.map((u) => u.id));
    expect(pages.flat()).toHaveLength(5);
    expect(new Set(pages.flat()).size).toBe(5);
    expect(pages.length).toBeGreaterThanOrEqual(3);

    const found = await api.admin.lookup({ usernames: [created.value.username.toUpperCase()] });
    expect(found.users.map((u) => u.id)).toEqual([created.value.id]);

    const row: BatchRow = { key: randomUUID(), action: 'create', user: person() };
    const first = await api.admin.batch({ rows: [row] });
    const again = await api.admin.batch({ rows: [row] });
    expect(first.results[0]).toMatchObject({ status: 'created' });
    expect(again.results[0]!.userId).toBe(first.results[0]!.userId);

    await api.admin.deleteUser(created.value.id);
    const trashed = await api.admin.listUsers({ status: 'trash', q: created.value.username });
    expect(trashed.items.map((u) => u.id)).toContain(created.value.id);
  });
});

describe('error mapping', () => {
  it('401: a rejected API token is unauthorized and asks for re-authentication once', async () => {
    let reauth = 0;
    const api = client({ credentials: { method: 'token', token: 'not-a-valid-token-at-all' }, onReauthRequired: () => reauth++ });
    const error = await failure(api.admin.me());
    expect(error).toMatchObject({ code: 'unauthorized', key: 'errors.reauthRequired' });
    expect(reauth).toBe(1);
  });

  it('403: names the missing permission', async () => {
    const api = client();
    const password = `Pw-${randomUUID()}`;
    const auditor = await api.admin.createUser(person({ password, roles: ['auditor'] }));
    const asAuditor = client({ credentials: { method: 'password', username: auditor.value.username, password } });
    const error = await failure(asAuditor.admin.patchUser(auditor.value.id, { firstName: 'Nope' }));
    expect(error).toMatchObject({
      code: 'forbidden',
      key: 'errors.forbiddenPermission',
      params: { status: 403, permission: 'users.update' },
    });
  });

  it('404 not found, 409 conflict with the field, 400 validation with the field', async () => {
    const api = client();
    expect(await failure(api.admin.getUser(randomUUID()))).toMatchObject({ code: 'notFound', params: { status: 404 } });

    const taken = await api.admin.createUser(person());
    const conflict = await failure(api.admin.createUser(person({ username: taken.value.username })));
    expect(conflict).toMatchObject({ code: 'conflict', params: { field: 'username' } });

    const invalid = await failure(api.admin.createUser(person({ email: 'not-an-email' })));
    expect(invalid).toMatchObject({ code: 'validation', key: 'errors.validation', params: { status: 400, field: 'email' } });
    expect(invalid.issues?.[0]).toMatchObject({ path: 'email', key: 'validation.user.email' });
  });

  it("412: a stale If-Match carries the server's current copy", async () => {
    const api = client();
    const created = await api.admin.createUser(person());
    await api.admin.patchUser(created.value.id, { firstName: 'Theirs' }, { ifMatch: created.etag! });
    const error = await failure(api.admin.patchUser(created.value.id, { firstName: 'Mine' }, { ifMatch: created.value.version }));
    expect(error.code).toBe('staleVersion');
    const current = (error.details as { current: { value: { firstName: string; version: number }; etag: string } }).current;
    expect(current.value.firstName).toBe('Theirs');
    expect(current.etag).toBe(`W/"${current.value.version}"`);
    // Nothing was overwritten.
    expect((await api.admin.getUser(created.value.id)).value.firstName).toBe('Theirs');
  });

  it('a closed port is unreachable, a stalled server times out', async () => {
    const port = await closedPort();
    const down = client({ baseUrl: `http://127.0.0.1:${port}` });
    expect(await failure(down.admin.capabilities())).toMatchObject({
      code: 'unreachable',
      params: { host: `127.0.0.1:${port}` },
    });

    front.failNext([{ status: 200, delayMs: 3000 }], /capabilities/);
    const slow = client({ baseUrl: front.url, timeoutMs: 300 });
    const started = Date.now();
    expect(await failure(slow.admin.capabilities())).toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('cancels a long call through its AbortSignal', async () => {
    front.failNext([{ status: 200, delayMs: 5000 }], /\/users\?q=slow/);
    const api = client({ baseUrl: front.url });
    const controller = new AbortController();
    const call = failure(api.admin.listUsers({ q: 'slow' }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(await call).toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('retries', () => {
  it('retries a GET on 502/503/504 and succeeds', async () => {
    const api = client({ baseUrl: front.url });
    const before = front.calls.length;
    front.failNext([{ status: 503 }, { status: 502 }, { status: 504 }], /capabilities/);
    expect((await api.admin.capabilities()).product).toBe('userdeck');
    expect(front.calls.slice(before).filter((c) => c.path.includes('capabilities'))).toHaveLength(4);
  });

  it('honours Retry-After on 429', async () => {
    const api = client({ baseUrl: front.url });
    front.failNext([{ status: 429, headers: { 'retry-after': '1' } }], /capabilities/);
    const started = Date.now();
    await api.admin.capabilities();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up as rate limited when Retry-After is longer than it may wait, and after the last attempt', async () => {
    const api = client({ baseUrl: front.url });
    front.failNext([{ status: 429, headers: { 'retry-after': '3600' } }], /capabilities/);
    expect(await failure(api.admin.capabilities())).toMatchObject({ code: 'rateLimited', params: { retryAfter: '3600' } });

    front.failNext([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }], /capabilities/);
    expect(await failure(api.admin.capabilities())).toMatchObject({ code: 'server', key: 'errors.serverUnavailable' });
  });

  it('never repeats a POST without an idempotency key; repeats it with one', async () => {
    const api = client({ baseUrl: front.url });
    let before = front.calls.length;
    front.failNext([{ status: 503 }], /\/api\/v1\/users$/);
    expect(await failure(api.admin.createUser(person()))).toMatchObject({ code: 'server', params: { status: 503 } });
    expect(front.calls.slice(before).filter((c) => c.method === 'POST')).toHaveLength(1);

    before = front.calls.length;
    front.failNext([{ status: 503 }], /\/api\/v1\/users$/);
    const key = randomUUID();
    const created = await api.admin.createUser(person(), { idempotencyKey: key });
    const posts = front.calls.slice(before).filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts.every((c) => c.headers['idempotency-key'] === key)).toBe(true);
    expect(created.value.id).toBeTruthy();
  });
});

describe('password sign-in and refresh', () => {
  it('signs in, refreshes once on 401 with the rotated token, then asks to sign in again', async () => {
    const admin = client();
    const password = `Pw-${randomUUID()}`;
    const user = await admin.admin.createUser(person({ password, roles: ['administrator'] }));
    const saved: (string | null)[] = [];
    let stored: string | null = null;
    let currentPassword: string | null = password;
    let reauth = 0;
    const api = client({
      baseUrl: front.url,
      onReauthRequired: () => reauth++,
      credentials: {
        method: 'password',
        username: user.value.username,
        password: async () => currentPassword,
        refreshTokenStore: {
          load: async () => stored,
          save: async (token) => {
            stored = token;
            saved.push(token);
          },
        },
      },
    });
    const me = await api.admin.me();
    expect(me.user?.username).toBe(user.value.username);
    expect(saved).toHaveLength(1);

    // The server forgets our access token once: the client refreshes and repeats the call.
    const before = front.calls.length;
    front.failNext([{ status: 401 }], /auth\/me/);
    expect((await api.admin.me()).user?.id).toBe(user.value.id);
    const paths = front.calls.slice(before).map((c) => c.path);
    expect(paths).toEqual(['/api/v1/auth/me', '/api/v1/auth/refresh', '/api/v1/auth/me']);
    expect(saved).toHaveLength(2);
    expect(saved[1]).not.toBe(saved[0]);

    // Refresh refused and the password changed elsewhere: only the user can help now.
    stored = 'spent-refresh-token';
    currentPassword = 'wrong-password';
    front.failNext([{ status: 401 }], /auth\/me/);
    expect(await failure(api.admin.me())).toMatchObject({ code: 'unauthorized', key: 'errors.reauthRequired' });
    expect(reauth).toBe(1);
  });

  it('a wrong password is a clear bad-credentials error', async () => {
    const api = client({ credentials: { method: 'none' } });
    expect(await failure(api.admin.login({ username: 'nobody', password: 'wrong' }))).toMatchObject({
      code: 'unauthorized',
      key: 'errors.badCredentials',
    });
  });
});

describe('TLS and proxies', () => {
  const certs = testCertificates();

  it('refuses a self-signed certificate with its fingerprint, before sending anything', async () => {
    const tls = await startTlsFront(front.port, certs.selfSigned);
    try {
      const before = front.calls.length;
      const api = client({ baseUrl: tls.url });
      const error = await failure(api.admin.capabilities());
      expect(error).toMatchObject({ code: 'tls', params: { reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
      const cert = (error.details as { certificate: { fingerprint256: string; subject: string } }).certificate;
      expect(cert.fingerprint256).toBe(certs.selfSigned.fingerprint256);
      expect(cert.subject).toContain('CN=localhost');
      expect(front.calls.length).toBe(before);
    } finally {
      await tls.close();
    }
  });

  it('accepts exactly the certificate the administrator chose to trust', async () => {
    const tls = await startTlsFront(front.port, certs.selfSigned);
    try {
      const trusted = client({ baseUrl: tls.url, tls: { trustedFingerprint: certs.selfSigned.fingerprint256 } });
      expect((await trusted.admin.capabilities()).product).toBe('userdeck');
      const other = client({ baseUrl: tls.url, tls: { trustedFingerprint: certs.server.fingerprint256 } });
      expect(await failure(other.admin.capabilities())).toMatchObject({
        code: 'tls',
        params: { reason: 'CERT_FINGERPRINT_MISMATCH' },
      });
    } finally {
      await tls.close();
    }
  });

  it('trusts a custom CA, and still checks the host name', async () => {
    const good = await startTlsFront(front.port, certs.server);
    const wrong = await startTlsFront(front.port, certs.wrongHost);
    try {
      expect(await failure(client({ baseUrl: good.url }).admin.capabilities())).toMatchObject({ code: 'tls' });
      const withCa = client({ baseUrl: good.url, tls: { caPem: certs.ca.cert } });
      expect((await withCa.admin.capabilities()).product).toBe('userdeck');
      const misnamed = client({ baseUrl: wrong.url, tls: { caPem: certs.wrongHost.cert } });
      expect(await failure(misnamed.admin.capabilities())).toMatchObject({
        code: 'tls',
        params: { reason: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      });
    } finally {
      await good.close();
      await wrong.close();
    }
  });

  it('tunnels HTTPS through a proxy (CONNECT) and sends plain HTTP to it, custom or from the environment', async () => {
    const tls = await startTlsFront(front.port, certs.server);
    const proxy = await startConnectProxy({ 'directory.test': '127.0.0.1' });
    try {
      const viaCustom = client({ baseUrl: tls.url, tls: { caPem: certs.ca.cert }, proxy: { mode: 'custom', url: proxy.url } });
      expect((await viaCustom.admin.capabilities()).product).toBe('userdeck');
      expect(proxy.tunnels).toEqual([`127.0.0.1:${tls.port}`]);

      // The environment's proxy, for a name only the proxy knows; NO_PROXY and loopback bypass it.
      const viaEnv = client({
        baseUrl: server.url.replace('127.0.0.1', 'directory.test'),
        proxy: { mode: 'system' },
        env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.org,.internal' },
      });
      expect((await viaEnv.admin.capabilities()).product).toBe('userdeck');
      expect(proxy.forwarded).toEqual([`${server.url.replace('127.0.0.1', 'directory.test')}/api/v1/capabilities`]);
      const loopback = client({ proxy: { mode: 'system' }, env: { HTTP_PROXY: proxy.url } });
      expect((await loopback.admin.capabilities()).product).toBe('userdeck');
      expect(proxy.forwarded).toHaveLength(1);

      const refused = client({ baseUrl: tls.url, proxy: { mode: 'custom', url: `http://127.0.0.1:${await closedPort()}` } });
      expect(await failure(refused.admin.capabilities())).toMatchObject({ code: 'unreachable', key: 'errors.proxy' });
    } finally {
      await proxy.close();
      await tls.close();
    }
  });
});
