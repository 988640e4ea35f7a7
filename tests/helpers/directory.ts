/**
 * Runs the directory server in-process for tests, on SQLite (a fresh data folder) or on the run's
 * throw-away PostgreSQL cluster (a fresh database), with a bootstrap Administrator token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, inject } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '../../server/index';
import { createDatabase } from './postgres';

export type Backend = 'sqlite' | 'postgres';
export const adminToken = 'test-admin-token-0123456789abcdef';

export interface TestDirectory {
  backend: Backend;
  server: RunningServer;
  dataDir: string;
  databaseUrl: string | undefined;
  url: string;
  /** fetch with the admin token (or `token`), JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function request(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export async function startTestDirectory(backend: Backend, options: Partial<StartOptions> = {}): Promise<TestDirectory> {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-server-test-'));
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (backend === 'postgres') {
    const pgUrl = inject('pgUrl');
    if (!pgUrl) throw new Error('no PostgreSQL cluster for this run');
    const db = await createDatabase(pgUrl);
    databaseUrl = db.url;
    drop = db.drop;
  }
  const server = await startServer({ dataDir, databaseUrl, bootstrapToken: adminToken, ...options });
  return {
    backend,
    server,
    dataDir,
    databaseUrl,
    url: server.url,
    call: (method, path, body, headers = {}) =>
      request(`${server.url}${path}`, method, body, { authorization: `Bearer ${adminToken}`, ...headers }),
    async close() {
      await server.close();
      await drop?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Declares a suite once per database; the PostgreSQL one is skipped only without a cluster. */
export function describeBackends(name: string, fn: (backend: Backend) => void): void {
  const pgUrl = inject('pgUrl');
  describe(`${name} [sqlite]`, () => fn('sqlite'));
  describe.skipIf(!pgUrl)(`${name} [postgres]`, () => fn('postgres'));
}
