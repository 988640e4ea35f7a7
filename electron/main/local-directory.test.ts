/**
 * The desktop app's Local directory launcher with Electron's utilityProcess replaced by a plain
 * Node child (same stdio and message API), running the real server from the entry's TypeScript
 * source and from the bundled `out/main/local-directory.js` the app really starts.
 */
import { spawn, type Serializable } from 'node:child_process';
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
import { readableByItsUser } from '../../tests/helpers/process-exposure';
import { createApiClient } from '../services/api';
import { utilityProcessLauncher, type UtilityProcessApi } from './local-directory';

/**
 * utilityProcess.fork as a Node child: `fork(modulePath, args, { env, stdio: 'pipe' })`. A `.ts`
 * entry runs through tsx; the bundled `.js` runs in plain Node, as Electron runs it.
 */
const forks: { args: string[]; env: NodeJS.ProcessEnv; serviceName: string; messages: unknown[] }[] = [];
const fakeUtilityProcess: UtilityProcessApi = {
  fork(modulePath, args, options) {
    const messages: unknown[] = [];
    forks.push({ args, env: options.env, serviceName: options.serviceName, messages });
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
      postMessage: (message: unknown) => (messages.push(message), child.send(message as Serializable)),
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

  it('runs `serve` from the entry, the token sent by message (not in its environment or command line), and stops it cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-utility-'));
    dirs.push(dataDir);
    const token = randomBytes(32).toString('base64url');
    const lines: string[] = [];
    const forked = forks.length;
    const launcher = utilityProcessLauncher(fakeUtilityProcess, entryPath);
    // A token in main's own environment is not passed on either.
    const outer = process.env.USERDECK_BOOTSTRAP_TOKEN;
    process.env.USERDECK_BOOTSTRAP_TOKEN = `outer-${randomBytes(16).toString('hex')}`;
    let server: Awaited<ReturnType<typeof launcher.start>>;
    try {
      server = await launcher.start({ dataDir, token, onOutput: (line) => lines.push(line) });
    } finally {
      if (outer === undefined) delete process.env.USERDECK_BOOTSTRAP_TOKEN;
      else process.env.USERDECK_BOOTSTRAP_TOKEN = outer;
    }

    expect(forks[forked]).toMatchObject({
      args: ['--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
      serviceName: 'Userdeck Local directory',
      messages: [{ bootstrapToken: token }],
    });
    expect(forks[forked]!.env).not.toHaveProperty('USERDECK_BOOTSTRAP_TOKEN');
    expect(JSON.stringify(forks[forked]!.env)).not.toContain(token);
    expect(forks[forked]!.args.join(' ')).not.toContain(token);
    const exposed = readableByItsUser(server.pid!);
    if (exposed !== null) {
      expect(exposed).toContain('--port');
      expect(exposed).not.toContain(token);
      expect(exposed).not.toContain('USERDECK_BOOTSTRAP_TOKEN');
    }
    expect(lines.join('\n')).toMatch(/Userdeck directory listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(lines.join('\n')).not.toContain(token);

    const api = createApiClient({ baseUrl: server.url, credentials: { method: 'token', token }, proxy: { mode: 'none' } });
    // The token main holds is the directory's Administrator token.
    expect((await api.admin.me()).token?.name).toBe('bootstrap');
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
