/**
 * The connection manager with the real pieces: a real directory server in-process, the real
 * keychain (gnome-keyring under `npm test`), profile files on disk, and the Local directory as a
 * real child process.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CONNECTION_ID, type ConnectionInput, type ParsedConnectionInput } from '../../../common/connections';
import { connectionInputSchema } from '../../../common/connections';
import { seedDirectory } from '../../../cli/commands/seed';
import { startServer, type RunningServer } from '../../../server/index';
import { projectRoot } from '../../../tests/helpers/bridge-process';
import { testCertificates } from '../../../tests/helpers/certs';
import { startTlsFront } from '../../../tests/helpers/net-front';
import { createApiClient } from '../api';
import { FileHandles } from '../dialogs/file-handles';
import { childProcessLauncher } from '../local/launcher';
import { LocalDirectory, sampleSeeder } from '../local/local-directory';
import { createLogger } from '../log/logger';
import { ConnectionManager } from './manager';
import { ProfileStore } from './profiles';
import { SchemaCache } from './schema-cache';
import { keychainService, loadKeytar } from './secrets/keychain';
import { openSecretStore } from './secrets/open';
import { failure } from '../../../tests/helpers/failure';

const prefix = `Userdeck manager test ${process.pid}`;
const adminToken = `manager-test-${randomUUID()}`;
const password = `Pw-${randomUUID()}`;
let server: RunningServer;
let serverDir: string;
let username: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  serverDir = mkdtempSync(join(tmpdir(), 'userdeck-manager-server-'));
  server = await startServer({ dataDir: serverDir, bootstrapToken: adminToken });
  const api = createApiClient({
    baseUrl: server.url,
    credentials: { method: 'token', token: adminToken },
    proxy: { mode: 'none' },
  });
  username = `admin.${randomUUID().slice(0, 6)}`;
  await api.admin.createUser({
    username,
    email: `${username}@example.org`,
    firstName: 'Ada',
    lastName: 'Admin',
    password,
    roles: ['administrator'],
  });
  api.dispose();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

async function setup(options: { dataDir?: string; offlineRetryMs?: number } = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'userdeck-manager-'));
  const logLines: string[] = [];
  const logger = createLogger((level, line) => logLines.push(`${level} ${line}`));
  const events: { event: string; payload: unknown }[] = [];
  const opened = await openSecretStore({ dataDir, logger, servicePrefix: prefix });
  const files = new FileHandles();
  const local = new LocalDirectory({
    appDataDir: dataDir,
    launcher: childProcessLauncher({ projectRoot }),
    seed: sampleSeeder(seedDirectory),
    logger,
    sampleSize: 10,
  });
  const manager = new ConnectionManager({
    profiles: new ProfileStore(dataDir, logger),
    secrets: opened.store,
    secretStatus: async () => opened.status,
    schemaCache: new SchemaCache(dataDir),
    files,
    local,
    emit: (event, payload) => events.push({ event, payload }),
    logger,
    userAgent: 'Userdeck/test',
    offlineRetryMs: options.offlineRetryMs ?? 0,
    timeoutMs: 5000,
  });
  cleanups.push(async () => {
    for (const c of (await manager.state()).connections) if (!c.builtin) await opened.store.deleteAll(c.id);
    manager.dispose();
    await local.stop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return { manager, dataDir, events, logLines, store: opened.store, files, local };
}

const input = (over: Partial<ConnectionInput> = {}): ParsedConnectionInput =>
  connectionInputSchema.parse({
    name: 'Staging',
    color: '#1e88e5',
    baseUrl: server.url,
    auth: { method: 'password', username },
    secret: password,
    proxy: { mode: 'none' },
    ...over,
  });

describe('profiles and secrets', () => {
  it('stores settings in the data folder and the password only in the keychain', async () => {
    const { manager, dataDir, store } = await setup();
    expect((await manager.state()).firstRun).toBe(true);
    const created = await manager.create(input());
    expect(created).toMatchObject({ name: 'Staging', color: '#1E88E5', hasSecret: true, builtin: false });
    expect(JSON.stringify(created)).not.toContain(password);

    const file = readFileSync(join(dataDir, 'connections.json'), 'utf8');
    expect(file).toContain('Staging');
    expect(file).not.toContain(password);
    const keytar = (await loadKeytar())!;
    expect(await keytar.getPassword(keychainService(created.id, prefix), 'password')).toBe(password);
    expect(await store.list(created.id)).toEqual(['password']);

    const state = await manager.state();
    expect(state.firstRun).toBe(false);
    expect(state.connections.map((c) => c.id)).toEqual([LOCAL_CONNECTION_ID, created.id]);
    expect(state.secretStorage).toEqual({ backend: 'keychain', persistent: true });
  });

  it('edits (keeping the secret when none is typed), duplicates with the secret, deletes with the secrets', async () => {
    const { manager, store, dataDir } = await setup();
    const created = await manager.create(input());
    await manager.update(created.id, input({ name: 'Renamed', secret: undefined }));
    expect(await store.get(created.id, 'password')).toBe(password);

    const copy = await manager.duplicate(created.id);
    expect(copy.name).toBe('Renamed (2)');
    expect(await store.get(copy.id, 'password')).toBe(password);
    expect((await manager.duplicate(created.id)).name).toBe('Renamed (3)');

    // Another auth method: the old secrets go.
    await manager.update(copy.id, input({ name: 'Token', auth: { method: 'token' }, secret: adminToken }));
    expect(await store.list(copy.id)).toEqual(['apiToken']);

    await manager.activate(created.id);
    expect(existsSync(join(dataDir, 'schema-cache', `${created.id}.json`))).toBe(true);
    await manager.delete(created.id);
    expect(await store.list(created.id)).toEqual([]);
    expect(existsSync(join(dataDir, 'schema-cache', `${created.id}.json`))).toBe(false);
    expect(manager.active()).toBeNull();
    await expect(manager.delete(LOCAL_CONNECTION_ID)).rejects.toMatchObject({ code: 'notSupported' });
  });

  it('sets a damaged profiles file aside instead of losing it silently', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-manager-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    writeFileSync(join(dataDir, 'connections.json'), '{"version":1,"profiles":[{"id":');
    const { manager, logLines } = await setup({ dataDir });
    expect((await manager.state()).connections).toHaveLength(1);
    expect(readdirSync(dataDir).some((name) => name.startsWith('connections.json.damaged-'))).toBe(true);
    expect(logLines.join('\n')).toContain('damaged profiles file set aside');
  });
});

describe('test', () => {
  it('reports version, kind, features, latency and the signed-in identity with its role', async () => {
    const { manager } = await setup();
    const report = await manager.test({ input: input() });
    expect(report).toMatchObject({
      kind: 'userdeck',
      version: expect.any(String),
      features: expect.arrayContaining(['users']),
      identity: { kind: 'user', username, roles: ['administrator'] },
    });
    expect(report.latencyMs).toBeGreaterThan(0);

    const token = await manager.test({ input: input({ auth: { method: 'token' }, secret: adminToken }) });
    expect(token.identity).toMatchObject({ kind: 'token', name: 'bootstrap' });
  });

  it('reports a wrong password, a missing secret and an unreachable server clearly', async () => {
    const { manager } = await setup();
    expect(await failure(manager.test({ input: input({ secret: 'wrong-password' }) }))).toMatchObject({
      code: 'unauthorized',
      key: 'errors.badCredentials',
    });
    expect(await failure(manager.test({ input: input({ secret: undefined }) }))).toMatchObject({
      code: 'validation',
      key: 'errors.secretRequired',
      params: { field: 'secret' },
    });
    expect(await failure(manager.test({ input: input({ baseUrl: 'http://127.0.0.1:9' }) }))).toMatchObject({
      code: 'unreachable',
    });
  });

  it('tests an edited profile with its stored secret, and can be cancelled', async () => {
    const { manager } = await setup();
    const created = await manager.create(input());
    expect((await manager.test({ id: created.id, input: input({ name: 'Edited', secret: undefined }) })).kind).toBe('userdeck');
    const controller = new AbortController();
    controller.abort();
    expect(await failure(manager.test({ id: created.id }, controller.signal))).toMatchObject({ code: 'cancelled' });
  });

  it('shows the fingerprint of an untrusted certificate; a custom CA file makes it trusted', async () => {
    const certs = testCertificates();
    const tls = await startTlsFront(server.port, certs.server);
    cleanups.push(() => tls.close());
    const { manager, files, dataDir } = await setup();
    const error = await failure(manager.test({ input: input({ baseUrl: tls.url }) }));
    expect(error.code).toBe('tls');
    expect((error.details as { certificate: { issuer: string } }).certificate.issuer).toContain('Userdeck Test CA');

    // The CA file, with a private key in it that must not be kept.
    const caPath = join(dataDir, 'ca-bundle.pem');
    writeFileSync(caPath, `${certs.ca.key}\n${certs.ca.cert}`);
    const picked = files.register(caPath);
    const created = await manager.create(input({ baseUrl: tls.url, tls: { caFile: picked.handle, trustedFingerprint: null } }));
    expect(created.tls).toMatchObject({ caName: 'ca-bundle.pem', ca: { subject: expect.stringContaining('Userdeck Test CA') } });
    expect(readFileSync(join(dataDir, 'connections.json'), 'utf8')).not.toContain('PRIVATE KEY');
    expect((await manager.test({ id: created.id })).kind).toBe('userdeck');

    const notACert = files.register(join(dataDir, 'connections.json'));
    expect(await failure(manager.create(input({ tls: { caFile: notACert.handle, trustedFingerprint: null } })))).toMatchObject({
      code: 'badFile',
      key: 'errors.badCertificate',
    });
  });
});

describe('the active connection', () => {
  it('activates, caches the field schema, reopens after a restart, and goes offline and back', async () => {
    const { manager, dataDir, events } = await setup();
    const created = await manager.create(input());
    const active = await manager.activate(created.id);
    expect(active).toMatchObject({
      id: created.id,
      status: 'online',
      identity: { username },
      capabilities: { kind: 'userdeck' },
    });
    expect(active.fieldSchema?.policies.passwordMinLength).toBe(8);
    expect(events.filter((e) => e.event === 'connections/active').map((e) => (e.payload as { status: string }).status)).toEqual([
      'connecting',
      'online',
    ]);
    expect((await manager.use(({ admin }) => admin.listUsers({ q: username }))).items).toHaveLength(1);

    // A restart: a new manager on the same data folder opens it again.
    manager.dispose();
    const again = await setup({ dataDir });
    await again.manager.restore();
    expect(again.manager.active()).toMatchObject({ id: created.id, status: 'online' });

    // The server goes away: the next call fails as unreachable and the connection turns offline,
    // keeping the cached schema; when it is back, reconnect brings it online.
    const port = server.port;
    await server.close();
    try {
      expect(await failure(again.manager.use(({ admin }) => admin.listUsers()))).toMatchObject({ code: 'unreachable' });
      expect(again.manager.active()).toMatchObject({ status: 'offline', fieldSchema: { policies: { passwordMinLength: 8 } } });
      expect(again.events.at(-1)).toMatchObject({ event: 'connections/active', payload: { status: 'offline' } });
    } finally {
      server = await startServer({ dataDir: serverDir, bootstrapToken: adminToken, port });
    }
    expect(await again.manager.reconnect()).toMatchObject({ status: 'online' });
    expect(again.manager.cachedSchema(created.id)?.capabilities.kind).toBe('userdeck');
  });

  it('tries an offline connection again by itself, without flickering back to "connecting"', async () => {
    const { manager, events } = await setup({ offlineRetryMs: 300 });
    const created = await manager.create(input());
    const port = server.port;
    await server.close();
    try {
      expect(await manager.activate(created.id)).toMatchObject({ status: 'offline', error: { code: 'unreachable' } });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(manager.active()?.status).toBe('offline');
    } finally {
      server = await startServer({ dataDir: serverDir, bootstrapToken: adminToken, port });
    }
    await expect.poll(() => manager.active()?.status, { timeout: 5000 }).toBe('online');
    const statuses = events.filter((e) => e.event === 'connections/active').map((e) => (e.payload as { status: string }).status);
    expect(statuses.filter((s) => s === 'connecting')).toHaveLength(1);
  });

  it('asks to sign in when the refresh token and password no longer work; a wrong password is refused, the right one connects', async () => {
    const { manager, store } = await setup();
    const created = await manager.create(input());
    await store.set(created.id, 'password', 'changed-elsewhere');
    expect(await manager.activate(created.id)).toMatchObject({ status: 'needsSignIn', error: { key: 'errors.reauthRequired' } });

    expect(await failure(manager.signIn(created.id, 'still-wrong'))).toMatchObject({
      code: 'unauthorized',
      key: 'errors.badCredentials',
    });
    expect(await store.get(created.id, 'password')).toBe('changed-elsewhere');

    expect(await manager.signIn(created.id, password)).toMatchObject({ status: 'online' });
    expect(await store.get(created.id, 'password')).toBe(password);
    expect(await store.get(created.id, 'refreshToken')).toBeTruthy();
  });

  it('switches between connections and to the Local directory, which it starts', async () => {
    const { manager, local } = await setup();
    const first = await manager.create(input({ name: 'One' }));
    const second = await manager.create(input({ name: 'Two', auth: { method: 'token' }, secret: adminToken }));
    expect((await manager.activate(first.id)).identity?.kind).toBe('user');
    expect((await manager.activate(second.id)).identity?.kind).toBe('token');
    expect((await manager.state()).activeId).toBe(second.id);

    expect(await manager.activate(LOCAL_CONNECTION_ID)).toMatchObject({
      status: 'error',
      error: { key: 'errors.localNotInitialized' },
    });
    await local.initialize(true);
    const localActive = await manager.activate(LOCAL_CONNECTION_ID);
    expect(localActive).toMatchObject({ builtin: true, status: 'online', capabilities: { kind: 'userdeck' } });
    expect((await manager.use(({ admin }) => admin.listUsers({ pageSize: 1 }))).total).toBe(10);
    expect((await manager.state()).lastUsedId).toBe(LOCAL_CONNECTION_ID);
  });
});

describe('OAuth2 client credentials', () => {
  const clientId = 'userdeck-manager-test';
  const clientSecret = `client/${randomUUID()}`;
  let oauth: OAuth2Server;
  let issued: { id: string; token: string };

  beforeAll(async () => {
    // The authorization server hands out, as its access token, an API token the directory accepts.
    const response = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'oauth-manager', role: 'administrator' }),
    });
    expect(response.status).toBe(201);
    issued = (await response.json()) as { id: string; token: string };
    oauth = new OAuth2Server();
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    oauth.service.on(
      'beforeResponse',
      (response: { body: Record<string, unknown>; statusCode: number }, req: { headers: Record<string, string | undefined> }) => {
        const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
          .toString()
          .split(':')
          .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
        if (id !== clientId || secret !== clientSecret) {
          response.statusCode = 401;
          response.body = { error: 'invalid_client' };
          return;
        }
        response.body.access_token = issued.token;
        response.body.expires_in = 3600;
      },
    );
  });
  afterAll(() => oauth?.stop());

  const oauthInput = (secret: string | undefined) =>
    input({
      name: 'Through the identity provider',
      auth: { method: 'oauth2', tokenUrl: `${oauth.issuer.url}/token`, clientId, scope: 'directory' },
      secret,
    });

  it('connects with the client secret from the keychain; neither it nor the access token is on disk or in the logs', async () => {
    const { manager, dataDir, store, logLines, events } = await setup();
    const report = await manager.test({ input: oauthInput(clientSecret) });
    expect(report.identity).toMatchObject({ kind: 'token', name: 'oauth-manager' });

    const created = await manager.create(oauthInput(clientSecret));
    expect(await store.get(created.id, 'clientSecret')).toBe(clientSecret);
    expect(await manager.activate(created.id)).toMatchObject({ status: 'online', identity: { kind: 'token' } });
    expect((await manager.use(({ admin }) => admin.listUsers({ q: username }))).items).toHaveLength(1);

    const onDisk = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'))
      .join('\n');
    expect(onDisk).toContain(clientId);
    for (const secret of [clientSecret, issued.token]) {
      expect(onDisk).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(JSON.stringify(await manager.state())).not.toContain(secret);
    }
  });

  it('a wrong client secret is refused clearly, and the sign-in dialog takes a new one', async () => {
    const { manager, store } = await setup();
    expect(await failure(manager.test({ input: oauthInput('not-the-secret') }))).toMatchObject({ code: 'unauthorized' });

    const created = await manager.create(oauthInput(clientSecret));
    await store.set(created.id, 'clientSecret', 'revoked-at-the-provider');
    expect(await manager.activate(created.id)).toMatchObject({ status: 'needsSignIn' });
    expect(await manager.signIn(created.id, clientSecret)).toMatchObject({ status: 'online' });
    expect(await store.get(created.id, 'clientSecret')).toBe(clientSecret);
  });
});
