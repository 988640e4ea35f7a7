/**
 * The desktop app's Local directory launcher with Electron's utilityProcess replaced by a plain
 * Node child (same stdio and message API), running the real server from the entry's TypeScript
 * source and from the bundled `out/main/local-directory.js` the app really starts.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { UtilityProcess } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../tests/helpers/bridge-process';
import { isCi } from '../../tests/helpers/postgres-global-setup';
import { createApiClient } from '../services/api';
import { utilityProcessLauncher, type UtilityProcessApi } from './local-directory';

/**
 * utilityProcess.fork as a Node child: `fork(modulePath, args, { env, stdio: 'pipe' })`. A `.ts`
 * entry runs through tsx; the bundled `.js` runs in plain Node, as Electron runs it.
 */
const forks: { args: string[]; env: NodeJS.ProcessEnv; serviceName: string }[] = [];
const fakeUtilityProcess: UtilityProcessApi = {
  fork(modulePath, args, options) {
    forks.push({ args, env: options.env, serviceName: options.serviceName });
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(projectRoot, 'tests/helpers/fake-parent-port.cjs'),
        ...(modulePath.endsWith('.ts') ? ['bin/run-ts.js'] : []),
        modulePath,
        ...args,
      ],
      {
        cwd: projectRoot,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    const proc = Object.assign(new EventEmitter(), {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (message: unknown) => child.send(message as string),
      kill: () => child.kill('SIGKILL'),
    });
    child.once('exit', (code) => proc.emit('exit', code));
    return proc as unknown as UtilityProcess;
  },
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * The bundled entry is what the app starts, so it is tested too. `npm test` builds it before vitest;
 * a lone run without a build skips it (saying so), but in CI a missing build fails.
 */
const builtEntry = join(projectRoot, 'out/main/local-directory.js');
const notBuilt = 'out/main/local-directory.js is not built: `npx electron-vite build` makes it (npm test does, before vitest)';
const runBuilt = existsSync(builtEntry) || isCi(process.env);
if (!runBuilt) console.warn(`[local directory] skipping the bundled entry's tests: ${notBuilt}`);

describe('utilityProcess launcher, from the entry’s TypeScript source (tsx)', () => {
  launcherTests(join(projectRoot, 'electron/main/local-directory-process.ts'));
});

describe.skipIf(!runBuilt)(
  runBuilt ? 'utilityProcess launcher, from the bundled out/main/local-directory.js' : `bundled entry skipped: ${notBuilt}`,
  () => {
    launcherTests(builtEntry);
  },
);

function launcherTests(entryPath: string) {
  // In CI a missing build lands here and fails every test of the suite with the reason.
  beforeAll(() => {
    if (!existsSync(entryPath)) throw new Error(notBuilt);
  });

  it('runs `serve` from the entry with the token in its environment only, and stops it cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-utility-'));
    dirs.push(dataDir);
    const token = randomBytes(32).toString('base64url');
    const lines: string[] = [];
    const forked = forks.length;
    const launcher = utilityProcessLauncher(fakeUtilityProcess, entryPath);
    const server = await launcher.start({ dataDir, token, onOutput: (line) => lines.push(line) });

    expect(forks[forked]).toMatchObject({
      args: ['--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
      serviceName: 'Userdeck Local directory',
    });
    expect(forks[forked]!.args.join(' ')).not.toContain(token);
    expect(forks[forked]!.env.USERDECK_BOOTSTRAP_TOKEN).toBe(token);
    expect(lines.join('\n')).toMatch(/Userdeck directory listening on http:\/\/127\.0\.0\.1:\d+/);

    const api = createApiClient({ baseUrl: server.url, credentials: { method: 'token', token }, proxy: { mode: 'none' } });
    expect((await api.admin.capabilities()).product).toBe('userdeck');
    api.dispose();

    let unexpected = false;
    server.onExit(() => (unexpected = true));
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(4000); // the 'stop' message, not the kill after 5 s
    expect(await portOpen(server.url)).toBe(false);
    expect(unexpected).toBe(false);
  });

  it('reports a server that cannot start instead of waiting forever', async () => {
    const launcher = utilityProcessLauncher(fakeUtilityProcess, entryPath, { startTimeoutMs: 20_000 });
    // A data folder that is a file: the server cannot open its database and exits.
    const parent = mkdtempSync(join(tmpdir(), 'userdeck-utility-'));
    dirs.push(parent);
    const file = join(parent, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(
      launcher.start({ dataDir: file, token: randomBytes(32).toString('base64url'), onOutput: () => {} }),
    ).rejects.toMatchObject({
      code: 'server',
      key: 'errors.localStartFailed',
    });
  });
}
