/**
 * The desktop app's Local directory launcher with Electron's utilityProcess replaced by a plain
 * Node child (same stdio and message API), running the real bundled entry and the real server.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { UtilityProcess } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../tests/helpers/bridge-process';
import { createApiClient } from '../services/api';
import { utilityProcessLauncher, type UtilityProcessApi } from './local-directory';

/** utilityProcess.fork as a Node child: `fork(modulePath, args, { env, stdio: 'pipe' })`. */
const forks: { args: string[]; env: NodeJS.ProcessEnv; serviceName: string }[] = [];
const fakeUtilityProcess: UtilityProcessApi = {
  fork(modulePath, args, options) {
    forks.push({ args, env: options.env, serviceName: options.serviceName });
    const child = spawn(
      process.execPath,
      ['--require', join(projectRoot, 'tests/helpers/fake-parent-port.cjs'), 'bin/run-ts.js', modulePath, ...args],
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

describe('utilityProcess launcher', () => {
  it('runs `serve` from the bundled entry with the token in its environment only, and stops it cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-utility-'));
    dirs.push(dataDir);
    const token = randomBytes(32).toString('base64url');
    const lines: string[] = [];
    const launcher = utilityProcessLauncher(fakeUtilityProcess, join(projectRoot, 'electron/main/local-directory-process.ts'));
    const server = await launcher.start({ dataDir, token, onOutput: (line) => lines.push(line) });

    expect(forks[0]).toMatchObject({
      args: ['--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
      serviceName: 'Userdeck Local directory',
    });
    expect(forks[0]!.args.join(' ')).not.toContain(token);
    expect(forks[0]!.env.USERDECK_BOOTSTRAP_TOKEN).toBe(token);
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
    const launcher = utilityProcessLauncher(fakeUtilityProcess, join(projectRoot, 'electron/main/local-directory-process.ts'), {
      startTimeoutMs: 20_000,
    });
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
});
