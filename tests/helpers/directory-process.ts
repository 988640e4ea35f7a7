/**
 * A real Userdeck directory server as its own process (`userdeck serve`), as an administrator would
 * run one: for end-to-end tests that need "another server" next to the app's Local directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { projectRoot } from './bridge-process';

export interface DirectoryProcess {
  url: string;
  port: number;
  /** The bootstrap Administrator API token. */
  token: string;
  /** fetch against the server with the admin token; JSON in and out. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Creates a user with a password and roles; returns its username. */
  createUser(options: { password: string; roles: string[]; username?: string }): Promise<string>;
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function launch(dataDir: string, port: number, token: string, scimOnly: boolean) {
  const args = ['bin/userdeck.js', 'serve', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1'];
  if (scimOnly) args.push('--scim-only');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, USERDECK_BOOTSTRAP_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`directory did not start: ${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Userdeck directory listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`directory exited with ${code}: ${stderr}`));
    });
  });
  return { child, ready };
}

export async function startDirectoryProcess(options: { scimOnly?: boolean } = {}): Promise<DirectoryProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-e2e-directory-'));
  const token = `e2e-${randomUUID()}`;
  let current = launch(dataDir, 0, token, !!options.scimOnly);
  const url = await current.ready;
  const port = Number(new URL(url).port);
  const stop = async () => {
    if (current.child.exitCode !== null || current.child.signalCode !== null) return;
    const exited = new Promise((resolve) => current.child.once('exit', resolve));
    current.child.kill('SIGTERM');
    await exited;
  };
  const api: DirectoryProcess['api'] = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
  };
  return {
    url,
    port,
    token,
    api,
    async createUser({ password, roles, username }) {
      const name = username ?? `admin.${randomUUID().slice(0, 6)}`;
      const res = await api('POST', '/api/v1/users', {
        username: name,
        email: `${name}@example.org`,
        firstName: 'Erin',
        lastName: 'Admin',
        password,
        roles,
      });
      if (res.status !== 201) throw new Error(`cannot create ${name}: ${JSON.stringify(res.body)}`);
      return name;
    },
    stop,
    async restart() {
      await stop();
      current = launch(dataDir, port, token, !!options.scimOnly);
      await current.ready;
    },
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
