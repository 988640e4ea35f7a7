/**
 * The Local directory with the real `userdeck serve` in a child process: first start with the
 * sample or empty, a fresh token per start (earlier ones revoked) handed over on stdin, a clean stop
 * that releases the port, and a crash noticed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalDirectoryStatus } from '../../../common/connections';
import { seedDirectory } from '../../../cli/commands/seed';
import { projectRoot } from '../../../tests/helpers/bridge-process';
import { readableByItsUser } from '../../../tests/helpers/process-exposure';
import { createApiClient } from '../api';
import { createLogger } from '../log/logger';
import { childProcessLauncher } from './launcher';
import { LocalDirectory, sampleSeeder } from './local-directory';

const dirs: string[] = [];
const running: LocalDirectory[] = [];

function setup(sampleSize = 25) {
  const appDataDir = mkdtempSync(join(tmpdir(), 'userdeck-local-'));
  dirs.push(appDataDir);
  const statuses: LocalDirectoryStatus[] = [];
  const lines: string[] = [];
  const local = new LocalDirectory({
    appDataDir,
    launcher: childProcessLauncher({ projectRoot }),
    seed: sampleSeeder(seedDirectory),
    logger: createLogger((level, line) => lines.push(`${level} ${line}`)),
    onStatus: (status) => statuses.push(status),
    sampleSize,
  });
  running.push(local);
  return { local, statuses, lines, appDataDir };
}

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function userCount(url: string, token: string) {
  const api = createApiClient({ baseUrl: url, credentials: { method: 'token', token }, proxy: { mode: 'none' } });
  try {
    return (await api.admin.listUsers({ pageSize: 1 })).total;
  } finally {
    api.dispose();
  }
}

afterEach(async () => {
  for (const local of running.splice(0)) await local.stop();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Local directory', () => {
  it('is not started before its first-run choice', async () => {
    const { local } = setup();
    expect(local.status()).toEqual({ state: 'stopped', initialized: false, sample: null, error: null });
    await expect(local.start()).rejects.toMatchObject({ code: 'notConnected', key: 'errors.localNotInitialized' });
  });

  it('starts with the sample data, on loopback, then stops and releases its port', async () => {
    const { local, statuses, lines } = setup(25);
    const endpoint = await local.initialize(true);
    expect(new URL(endpoint.url).hostname).toBe('127.0.0.1');
    expect(endpoint.token.length).toBeGreaterThanOrEqual(40);
    expect(await userCount(endpoint.url, endpoint.token)).toBe(25);
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running', 'seeding', 'running']);
    expect(local.status()).toMatchObject({ state: 'running', initialized: true, sample: true });
    // The token is in memory only: never in the log, nor in the child's environment or command line
    // (it went over the child's stdin).
    expect(lines.join('\n')).not.toContain(endpoint.token);
    const exposed = readableByItsUser(local.pid!);
    if (exposed !== null) {
      expect(exposed).toContain('--bootstrap-token-stdin');
      expect(exposed).not.toContain(endpoint.token);
      expect(exposed).not.toContain('USERDECK_BOOTSTRAP_TOKEN');
    }
    expect(lines.join('\n')).toContain('Userdeck directory listening on');

    await local.stop();
    expect(local.status().state).toBe('stopped');
    expect(await portOpen(endpoint.url)).toBe(false);
  });

  it('starts empty when asked, keeps its data across starts, and only the newest token opens it', async () => {
    const { local } = setup();
    const first = await local.initialize(false);
    expect(await userCount(first.url, first.token)).toBe(0);
    const api = createApiClient({
      baseUrl: first.url,
      credentials: { method: 'token', token: first.token },
      proxy: { mode: 'none' },
    });
    await api.admin.createUser({ username: 'kept.user', email: 'kept@example.org', firstName: 'Kept', lastName: 'User' });
    api.dispose();
    await local.stop();

    const second = await local.start();
    expect(second.token).not.toBe(first.token);
    expect(await userCount(second.url, second.token)).toBe(1);
    await expect(userCount(second.url, first.token)).rejects.toMatchObject({ code: 'unauthorized' });
    // initialize() after the first run does not seed or reset anything.
    await local.stop();
    const third = await local.initialize(true);
    expect(await userCount(third.url, third.token)).toBe(1);
  });

  it('notices when its process dies', async () => {
    const { local, statuses } = setup();
    const endpoint = await local.initialize(false);
    expect(await portOpen(endpoint.url)).toBe(true);
    process.kill(local.pid!, 'SIGKILL');
    await expect.poll(() => local.status().state, { timeout: 10_000 }).toBe('stopped');
    expect(statuses.at(-1)).toMatchObject({ state: 'stopped', error: { code: 'unreachable', key: 'errors.localStopped' } });
    // And it starts again on demand.
    const again = await local.start();
    expect(await userCount(again.url, again.token)).toBe(0);
  });
});
