/**
 * The users tests' world: one browser bridge per worker whose Local directory is seeded with the
 * sample data (as the first-run screen does), plus a direct line to that same directory's admin API
 * so that each test can compare what the app shows with what the server says.
 *
 * The Local directory's own token lives only in the bridge's memory, so the tests make their own
 * API tokens (Administrator, Auditor) straight in its database, which SQLite's WAL mode lets a
 * second process write while the server runs.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { test as base, expect, type Page } from '@playwright/test';
import { hashToken } from '../../../server/auth/tokens';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process';

export interface DirectoryApi {
  url: string;
  /** JSON in and out, with the test's Administrator token (or another). */
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Makes an API token with a role straight in the directory's database. */
  token(role: string): string;
  /** Every user matching a users-list query, through the admin API (paged by cursor). */
  all(query: Record<string, string>): Promise<any[]>;
}

export interface UsersWorld {
  bridge: BridgeProcess;
  api: DirectoryApi;
}

/** Makes an API token with a role straight in the database of the bridge's Local directory. */
export function makeLocalDirectoryToken(appDataDir: string, role: string): string {
  const value = `e2e_${randomUUID()}`;
  const db = new SQLite(join(appDataDir, 'local-directory', 'userdeck.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const roleRow = db.prepare('select id from roles where key = ?').get(role) as { id: string } | undefined;
    if (!roleRow) throw new Error(`no role ${role}`);
    db.prepare(
      `insert into api_tokens (id, name, token_hash, role_id, created_at, created_by, last_used_at, expires_at, revoked_at)
       values (?, ?, ?, ?, ?, null, null, null, null)`,
    ).run(randomUUID(), `e2e-${role}`, hashToken(value), roleRow.id, new Date().toISOString());
  } finally {
    db.close();
  }
  return value;
}

function directoryApi(url: string, dataDir: string): DirectoryApi {
  const token = (role: string) => makeLocalDirectoryToken(dataDir, role);
  const admin = token('administrator');
  const call: DirectoryApi['call'] = async (method, path, body, as = admin) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never, headers: response.headers };
  };
  return {
    url,
    call,
    token,
    async all(query) {
      const out: any[] = [];
      let cursor: string | undefined;
      for (;;) {
        const params = new URLSearchParams({ ...query, pageSize: '500', ...(cursor ? { cursor } : {}) });
        const page = await call('GET', `/api/v1/users?${params}`);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        out.push(...page.body.items);
        if (!page.body.nextCursor) return out;
        cursor = page.body.nextCursor;
      }
    },
  };
}

/** Starts a bridge and sets its Local directory up with the sample data, as the first-run choice does. */
export async function startUsersWorld(env: NodeJS.ProcessEnv = {}): Promise<UsersWorld> {
  const bridge = await startBridgeProcess({ env });
  const started = await bridge.invoke<{ status: string }>('local/initialize', { sample: true });
  if (!started.ok) throw new Error(`the Local directory did not start: ${JSON.stringify(started.error)}`);
  const state = await bridge.invoke<{ connections: { id: string; baseUrl: string }[] }>('connections/list');
  if (!state.ok) throw new Error('no connections');
  const url = state.value.connections.find((c) => c.id === 'local')!.baseUrl;
  return { bridge, api: directoryApi(url, bridge.dataDir) };
}

interface Fixtures {
  app: Page;
  pageErrors: string[];
}

/**
 * One seeded Local directory per worker. Jobs run in small chunks with a pause, so that a bulk job's
 * progress can be seen and cancelled midway.
 */
export const test = base.extend<Fixtures, { world: UsersWorld }>({
  world: [
    async ({}, use) => {
      const world = await startUsersWorld({ USERDECK_JOB_CHUNK_SIZE: '50', USERDECK_JOB_PAUSE_MS: '150' });
      await use(world);
      await world.bridge.stop();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  pageErrors: async ({}, use) => {
    await use([]);
  },
  app: async ({ page, world, pageErrors }, use) => {
    // Each test starts in English with the system theme, whatever an earlier one chose.
    await world.bridge.invoke('settings/update', { theme: 'system', locale: 'en' });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    // Menus, dialogs and messages appear without animation: the tests wait for none, and a message
    // on its way out is never mistaken for the current one.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const style = document.createElement('style');
        style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
        document.head.append(style);
      });
    });
    await page.goto(world.bridge.url);
    await expect(page.getByTestId('nav-drawer')).toBeVisible();
    await use(page);
  },
});

export { expect };
