import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../tests/helpers/bridge-process';
import { TestSafeStorage } from '../../../../tests/helpers/test-safe-storage';
import { silentLogger } from '../../log/logger';
import { keychainService, loadKeytar, type Keytar } from './keychain';
import { openSecretStore } from './open';
import { SafeStorageSecretStore, safeStorageUsable } from './safe-storage';

const prefix = `Userdeck test ${process.pid}`;
const tempDir = () => mkdtempSync(join(tmpdir(), 'userdeck-secrets-'));
const created: string[] = [];

async function realKeytar(): Promise<Keytar> {
  const keytar = await loadKeytar();
  if (!keytar) throw new Error('keytar did not load');
  return keytar;
}

afterAll(async () => {
  const keytar = await realKeytar();
  for (const id of created) {
    for (const { account } of await keytar.findCredentials(keychainService(id, prefix))) {
      await keytar.deletePassword(keychainService(id, prefix), account);
    }
  }
});

describe('secrets in the real keychain', () => {
  it('chooses the keychain when it answers, one service per profile, and deletes with the profile', async () => {
    const { store, status } = await openSecretStore({ dataDir: tempDir(), logger: silentLogger, servicePrefix: prefix });
    expect(status).toEqual({ backend: 'keychain', persistent: true });
    const a = randomUUID();
    const b = randomUUID();
    created.push(a, b);

    await store.set(a, 'password', 'pässwörd-A');
    await store.set(a, 'refreshToken', 'rt-A');
    await store.set(b, 'apiToken', 'token-B');
    expect(await store.get(a, 'password')).toBe('pässwörd-A');
    expect((await store.list(a)).sort()).toEqual(['password', 'refreshToken']);

    // Stored under the profile's own service name, readable by any keychain client.
    const keytar = await realKeytar();
    expect(await keytar.getPassword(keychainService(b, prefix), 'apiToken')).toBe('token-B');

    // An empty value removes; deleteAll removes every secret of one profile only.
    await store.set(a, 'refreshToken', '');
    expect(await store.get(a, 'refreshToken')).toBeNull();
    await store.deleteAll(a);
    expect(await keytar.findCredentials(keychainService(a, prefix))).toEqual([]);
    expect(await store.get(b, 'apiToken')).toBe('token-B');
  });
});

describe('safeStorage fallback', () => {
  it('encrypts into secrets.json: never the plain text, readable back, removed per profile', async () => {
    const dir = tempDir();
    const store = new SafeStorageSecretStore(new TestSafeStorage(), dir);
    await store.set('p1', 'clientSecret', 'client-secret-1234');
    await store.set('p2', 'password', 'other-secret-5678');
    const file = readFileSync(join(dir, 'secrets.json'), 'utf8');
    expect(file).not.toContain('client-secret-1234');
    expect(file).not.toContain(Buffer.from('client-secret-1234').toString('base64'));
    expect(await store.get('p1', 'clientSecret')).toBe('client-secret-1234');
    expect(await store.list('p1')).toEqual(['clientSecret']);
    await store.deleteAll('p1');
    expect(await store.get('p1', 'clientSecret')).toBeNull();
    expect(await store.get('p2', 'password')).toBe('other-secret-5678');
  });

  it('gives null, not a crash, for a secret encrypted under another key', async () => {
    const dir = tempDir();
    await new SafeStorageSecretStore(new TestSafeStorage(), dir).set('p1', 'password', 'x-secret');
    expect(await new SafeStorageSecretStore(new TestSafeStorage(), dir).get('p1', 'password')).toBeNull();
  });

  it("refuses Linux's basic_text backend and unavailable encryption: they are not real protection", () => {
    expect(safeStorageUsable(new TestSafeStorage('basic_text'))).toBe(false);
    expect(safeStorageUsable(new TestSafeStorage('gnome_libsecret', false))).toBe(false);
    expect(safeStorageUsable(new TestSafeStorage('kwallet5'))).toBe(true);
    expect(safeStorageUsable(undefined)).toBe(false);
  });

  it('is chosen when keytar cannot load, with a warning in the log', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../../log/logger');
    const { status } = await openSecretStore({
      dataDir: tempDir(),
      logger: createLogger((level, line) => lines.push(`${level} ${line}`)),
      keytar: null,
      safeStorage: new TestSafeStorage(),
    });
    expect(status).toEqual({ backend: 'safeStorage', persistent: true });
    expect(lines.join('\n')).toMatch(/warn secrets: no keychain answers; using safeStorage/);
  });
});

describe('without a D-Bus session (no keychain reachable)', () => {
  const probe = (args: string[]) => {
    const dir = tempDir();
    const secret = `s3cret-${randomUUID()}`;
    const run = spawnSync(process.execPath, ['bin/run-ts.js', 'tests/helpers/secret-store-probe.ts', dir, secret, ...args], {
      cwd: projectRoot,
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8'));
    return { report: JSON.parse(run.stdout.trim().split('\n').pop()!), files, secret, dir };
  };

  it('falls back to safeStorage in the app, and nothing on disk holds the secret in clear', () => {
    const { report, files, secret, dir } = probe(['--safe-storage']);
    expect(report.status).toEqual({ backend: 'safeStorage', persistent: true });
    expect(report.readBack).toBe(true);
    expect(report.warnings.join('\n')).toMatch(/using safeStorage/);
    expect(existsSync(join(dir, 'secrets.json'))).toBe(true);
    for (const text of files) expect(text).not.toContain(secret);
  });

  it('keeps secrets in memory only where there is no safeStorage either (bridge, CLI), and says so', () => {
    const { report, files, secret } = probe([]);
    expect(report.status).toEqual({ backend: 'memory', persistent: false });
    expect(report.readBack).toBe(true);
    expect(report.warnings.join('\n')).toMatch(/kept in memory/);
    for (const text of files) expect(text).not.toContain(secret);
  });
});
