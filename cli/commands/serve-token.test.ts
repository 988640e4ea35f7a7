/**
 * `userdeck serve --bootstrap-token-stdin`: the bootstrap token from the first line of stdin instead
 * of USERDECK_BOOTSTRAP_TOKEN, so that a parent (the app's Local directory) can keep it out of the
 * child's environment. The environment variable of DESIGN.md §4 is covered in serve-seed.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../tests/helpers/bridge-process';
import { collect } from '../../tests/helpers/cli-process';
import { request } from '../../tests/helpers/directory';
import { readableByItsUser } from '../../tests/helpers/process-exposure';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function serve(stdin: 'pipe' | 'ignore', env: NodeJS.ProcessEnv = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-serve-token-'));
  dirs.push(dataDir);
  const child = spawn(
    process.execPath,
    ['bin/userdeck.js', 'serve', '--data', dataDir, '--port', '0', '--bootstrap-token-stdin'],
    { cwd: projectRoot, env: { ...process.env, ...env }, stdio: [stdin, 'pipe', 'pipe'] },
  );
  return { child, done: collect(child) };
}

describe('userdeck serve --bootstrap-token-stdin', () => {
  it('makes the Administrator token from the first line of stdin, ignoring the environment, and still stops on SIGTERM', async () => {
    const token = randomBytes(32).toString('base64url');
    const fromEnv = `env-${randomBytes(16).toString('hex')}`;
    const { child, done } = serve('pipe', { USERDECK_BOOTSTRAP_TOKEN: fromEnv });
    child.stdin!.end(`${token}\r\n`);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Userdeck directory listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });

    const me = await request(`${url}/api/v1/auth/me`, 'GET', undefined, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.body.token.name).toBe('bootstrap');
    expect(me.body.permissions).toContain('users.delete');
    const other = await request(`${url}/api/v1/auth/me`, 'GET', undefined, { authorization: `Bearer ${fromEnv}` });
    expect(other.status).toBe(401);
    const exposed = readableByItsUser(child.pid!);
    if (exposed !== null) expect(exposed).not.toContain(token);

    // stdin was let go once read: nothing keeps the process alive after the server closes.
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
  });

  it('refuses to start with nothing on stdin: one clear line, exit 2', async () => {
    const { done } = serve('ignore');
    const run = await done;
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('userdeck serve: no bootstrap token on stdin\n');
    expect(run.stdout).toBe('');
  });
});
