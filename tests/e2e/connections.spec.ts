/**
 * Connections end to end, in Chromium through the bridge, with the real services: the real
 * keychain, the Local directory as a real child process, and other directory servers started here.
 * One session from a fresh install: first run, add, test, wrong password, switch, sign in again,
 * offline, plain SCIM, delete, and a scan of everything the session left for the secrets it used.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { test, expect, type Page } from '@playwright/test';
import type Keytar from 'keytar';
import type BetterSqlite3 from 'better-sqlite3';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process';
import { testCertificates } from '../helpers/certs';
import { startDirectoryProcess, type DirectoryProcess } from '../helpers/directory-process';
import { startTlsFront } from '../helpers/net-front';
import { readableByItsUser } from '../helpers/process-exposure';
import { expectAccessible } from './support/a11y';
import { AppShell } from './support/app-shell';
import { ConnectionSwitcher, ConnectionsPage } from './support/connections';
import { makeLocalDirectoryToken } from './support/local-directory';

const require = createRequire(import.meta.url);
const keytar = require('keytar') as typeof Keytar;
const Database = require('better-sqlite3') as typeof BetterSqlite3;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let bridge: BridgeProcess;
let staging: DirectoryProcess;
let scimOnly: DirectoryProcess;
let page: Page;
const password = `Stg-${randomUUID()}`;
const wrongPassword = `Wrong-${randomUUID()}`;
let adminName: string;
/** Every secret this session handles; the last test looks for each of them everywhere. */
const secrets = new Map<string, string>();
/** Every call the page made to main, and every event main sent. */
const traffic: { channel: string; request: string; response: string }[] = [];
const events: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  bridge = await startBridgeProcess();
  staging = await startDirectoryProcess();
  scimOnly = await startDirectoryProcess({ scimOnly: true });
  adminName = await staging.createUser({ password, roles: ['administrator'] });
  secrets.set('staging password', password);
  secrets.set('typed wrong password', wrongPassword);
  secrets.set('staging bootstrap token', staging.token);
  secrets.set('scim token', scimOnly.token);

  // A context of its own: axe-core (the accessibility checks) needs one.
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/__userdeck/invoke/')) return;
    traffic.push({
      channel: decodeURIComponent(url.pathname.slice('/__userdeck/invoke/'.length)),
      request: response.request().postData() ?? '',
      response: await response.text().catch(() => ''),
    });
  });
  // What main pushes to the page, as the page's own listeners receive it.
  await page.exposeFunction('__recordEvent', (line: string) => events.push(line));
  await page.addInitScript(() => {
    const names = ['connections/changed', 'connections/active', 'local/status', 'settings/changed'] as const;
    const hook = () => {
      const api = (window as unknown as { userdeck?: Window['userdeck'] }).userdeck;
      if (!api) return void setTimeout(hook, 5);
      for (const name of names) {
        api.on(name, (payload: unknown) =>
          (window as unknown as { __recordEvent: (line: string) => void }).__recordEvent(JSON.stringify({ name, payload })),
        );
      }
    };
    hook();
  });
});

test.afterAll(async () => {
  // Keychain entries of this session's profiles go with them; whatever is left is removed here.
  const state = await bridge.invoke<{ connections: { id: string; builtin: boolean }[] }>('connections/list');
  if (state.ok) for (const c of state.value.connections) if (!c.builtin) await bridge.invoke('connections/delete', { id: c.id });
  await page?.context().close();
  await bridge?.stop();
  await staging?.close();
  await scimOnly?.close();
});

test('a fresh install opens on the first-run screen and starts the Local directory with sample data', async () => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('welcome')).toBeVisible();
  await expect(page.getByTestId('view-title')).toHaveText('Welcome to Userdeck');
  await new AppShell(page).screenshot('welcome');
  await expectAccessible(page, 'first-run screen');

  await page.getByTestId('welcome-sample-action').click();
  await expect(page.getByTestId('welcome-progress')).toBeVisible();
  await expect(page).toHaveURL(/#\/dashboard/, { timeout: 60_000 });

  const switcher = new ConnectionSwitcher(page);
  expect(await switcher.current()).toBe('Local directory');
  await expect(switcher.button()).toHaveAttribute('data-color', '#5E35B1');

  // The sample data set is really there, in the app's data folder.
  const db = new Database(join(bridge.dataDir, 'local-directory', 'userdeck.db'), { readonly: true, fileMustExist: true });
  try {
    const { n } = db.prepare('select count(*) as n from users').get() as { n: number };
    expect(n).toBe(500);
  } finally {
    db.close();
  }

  // The token main made for it went over the child's stdin: it is not in the process's environment.
  const localPid = localDirectoryPid(bridge.pid);
  const exposed = readableByItsUser(localPid);
  if (exposed !== null) {
    expect(exposed).toContain('--bootstrap-token-stdin');
    expect(exposed).not.toContain('USERDECK_BOOTSTRAP_TOKEN');
  }

  // Its outbox is the mailbox: an invitation sent by the Local directory lands there. The token main
  // holds stays in its memory, so the test makes its own in the directory's database.
  const token = makeLocalDirectoryToken(bridge.dataDir, 'administrator');
  const local = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${localUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
  };
  const outbox = await local('GET', '/api/v1/outbox');
  expect(outbox.status).toBe(200);
  const invitee = await local('POST', '/api/v1/users', {
    username: 'mail.reader',
    email: 'mail.reader@example.org',
    firstName: 'Mia',
    lastName: 'Reader',
  });
  expect(invitee.status).toBe(201);
  expect((await local('POST', `/api/v1/users/${String(invitee.body!.id)}/invite`, {})).status).toBe(200);
  await page.getByTestId('nav-mailbox').click();
  const message = page.getByTestId('mailbox-message').filter({ hasText: 'mail.reader@example.org' }).first();
  await expect(message).toBeVisible();
  await message.click();
  await expect(page.getByTestId('mailbox-reader')).toContainText('mail.reader@example.org');
  await new AppShell(page).screenshot('mailbox');
});

test('adds a connection to a second server: inline validation, wrong password, test, save, connect', async () => {
  const connections = new ConnectionsPage(page);
  await connections.open();
  await expect(connections.item('local')).toHaveAttribute('data-status', 'online');

  await connections.startAdding();
  // Inline validation, at each field, before anything is sent.
  await connections.dialog().getByTestId('conn-save').click();
  await expect(connections.errorOf('conn-name')).toHaveText('Required.');
  await expect(connections.errorOf('conn-username')).toHaveText('Required.');
  await expect(connections.errorOf('conn-secret')).toHaveText('Required.');
  await connections.fill({ name: 'Staging', url: 'ftp://directory.example', username: adminName, secret: wrongPassword });
  await expect(connections.errorOf('conn-url')).toContainText('Enter an http:// or https:// address');
  await expect(connections.errorOf('conn-name')).toHaveCount(0);
  await expectAccessible(page, 'connection dialog with errors', { include: '.v-overlay--active' });

  // A wrong password gets a clear message.
  await connections.fill({ url: staging.url });
  await connections.runTest();
  await expect(connections.testResult()).toHaveAttribute('data-state', 'failed');
  await expect(connections.dialog().getByTestId('conn-test-error')).toContainText('The username or password is not correct.');
  await new AppShell(page).screenshot('connection-wrong-password');

  // The right one: server, latency, identity and role.
  await connections.fill({ secret: password, color: '#43A047' });
  await connections.runTest();
  await expect(connections.testResult()).toHaveAttribute('data-state', 'ok');
  await expect(connections.testResult()).toContainText('It works: Userdeck directory');
  await expect(connections.dialog().getByTestId('conn-test-identity')).toContainText(`(${adminName})`);
  await expect(connections.dialog().getByTestId('conn-test-roles')).toHaveText('Roles: administrator');
  await new AppShell(page).screenshot('connection-test');
  await expectAccessible(page, 'connection dialog with a test report', { include: '.v-overlay--active' });
  await connections.save();

  await connections.connect('Staging');
  await expect(connections.item('Staging')).toHaveAttribute('data-status', 'online');
  const switcher = new ConnectionSwitcher(page);
  await expect(switcher.button()).toHaveAttribute('data-color', '#43A047');
  expect(await switcher.current()).toBe('Staging');
  await new AppShell(page).screenshot('connections');
  await expectAccessible(page, 'connections view');
});

test('switches between connections from the app bar', async () => {
  const switcher = new ConnectionSwitcher(page);
  await switcher.choose('local');
  await expect(switcher.button().getByTestId('connection-switcher-name')).toHaveText('Local directory');
  await expect(switcher.button()).toHaveAttribute('data-color', '#5E35B1');
  await expect(page.getByTestId('nav-mailbox')).toBeVisible();

  await switcher.choose('Staging');
  await expect(switcher.button().getByTestId('connection-switcher-name')).toHaveText('Staging');
  await expect(page.getByTestId('nav-mailbox')).toHaveCount(0);
  // The choice is remembered: a reload opens the same connection.
  await page.reload();
  await expect(switcher.button().getByTestId('connection-switcher-name')).toHaveText('Staging');
});

test('asks to sign in again when the saved API token is revoked', async () => {
  const created = await staging.api<{ id: string; token: string }>('POST', '/api/v1/tokens', {
    name: 'userdeck-e2e',
    role: 'administrator',
  });
  expect(created.status).toBe(201);
  secrets.set('api token', created.body.token);
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.add({ name: 'Staging token', url: staging.url, method: 'token', secret: created.body.token });
  await connections.connect('Staging token');
  await expect(connections.item('Staging token')).toHaveAttribute('data-status', 'online');

  // Revoked while another connection is active, so that no background call of this one (the jobs
  // panel's pick-up, say) opens the sign-in dialog before the switch back does.
  const switcher = new ConnectionSwitcher(page);
  await switcher.choose('Staging');
  await expect(connections.item('Staging')).toHaveAttribute('data-status', 'online');
  expect((await staging.api('DELETE', `/api/v1/tokens/${created.body.id}`)).status).toBe(204);
  await switcher.choose('Staging token');
  const dialog = page.getByTestId('sign-in-dialog').locator('.v-card');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('The saved API token was refused');
  await expectAccessible(page, 'sign-in dialog', { include: '.v-overlay--active' });
  await expect(page.getByTestId('connection-banner')).toHaveAttribute('data-status', 'needsSignIn');

  await dialog.getByTestId('sign-in-secret').locator('input').fill(created.body.token);
  await dialog.getByTestId('sign-in-submit').click();
  await expect(dialog.getByTestId('sign-in-secret')).toContainText('The API token was refused.');
  await new AppShell(page).screenshot('sign-in');

  const fresh = await staging.api<{ token: string }>('POST', '/api/v1/tokens', { name: 'userdeck-e2e-2', role: 'administrator' });
  secrets.set('new api token', fresh.body.token);
  await dialog.getByTestId('sign-in-secret').locator('input').fill(fresh.body.token);
  await dialog.getByTestId('sign-in-submit').click();
  await expect(dialog).toHaveCount(0);
  await expect(connections.item('Staging token')).toHaveAttribute('data-status', 'online');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
});

test('shows an offline banner when the server is unreachable, and recovers with retry', async () => {
  await staging.stop();
  const switcher = new ConnectionSwitcher(page);
  await switcher.choose('Staging');
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-status', 'offline');
  await expect(banner).toContainText('Staging cannot be reached.');
  await new AppShell(page).screenshot('offline');

  await staging.restart();
  await banner.getByTestId('banner-retry').click();
  await expect(banner).toHaveCount(0);
  await expect(new ConnectionsPage(page).item('Staging')).toHaveAttribute('data-status', 'online');
});

test('a plain SCIM backend hides the admin-only screens', async () => {
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.startAdding();
  await connections.fill({ name: 'Plain SCIM', url: scimOnly.url, method: 'token', secret: scimOnly.token, color: '#FB8C00' });
  await connections.runTest();
  await expect(connections.testResult()).toContainText('It works: SCIM 2.0 server');
  await expect(connections.dialog().getByTestId('conn-test-features')).toContainText('SCIM users');
  await connections.save();
  await connections.connect('Plain SCIM');
  await expect(connections.item('Plain SCIM')).toHaveAttribute('data-status', 'online');

  await expect(page.getByTestId('nav-users')).toBeVisible();
  await expect(page.getByTestId('nav-groups')).toBeVisible();
  await expect(page.getByTestId('nav-roles')).toHaveCount(0);
  await expect(page.getByTestId('nav-mailbox')).toHaveCount(0);
  await new AppShell(page).screenshot('plain-scim');

  await new ConnectionSwitcher(page).choose('Staging');
  await expect(page.getByTestId('nav-roles')).toBeVisible();
});

test('an untrusted certificate is shown with its fingerprint; trusting it or a CA file picked in the dialog works', async () => {
  const certs = testCertificates();
  const selfSigned = await startTlsFront(staging.port, certs.selfSigned);
  const caSigned = await startTlsFront(staging.port, certs.server);
  try {
    const connections = new ConnectionsPage(page);
    await connections.open();
    await connections.startAdding();
    await connections.fill({ name: 'Staging TLS', url: selfSigned.url, username: adminName, secret: password });
    await connections.runTest();
    const card = connections.dialog().getByTestId('conn-certificate');
    await expect(card).toBeVisible();
    await expect(card.getByTestId('conn-certificate-fingerprint')).toHaveText(certs.selfSigned.fingerprint256);
    await new AppShell(page).screenshot('certificate');
    await card.getByTestId('conn-trust').click();
    await expect(connections.testResult()).toHaveAttribute('data-state', 'ok', { timeout: 20_000 });
    await expect(connections.dialog().getByTestId('conn-trusted')).toContainText(certs.selfSigned.fingerprint256);
    await connections.save();

    // A server signed by a private CA: the CA file comes from the native open dialog.
    const caFile = join(mkdtempSync(join(tmpdir(), 'userdeck-e2e-ca-')), 'company-ca.pem');
    writeFileSync(caFile, certs.ca.cert);
    await connections.startAdding();
    await connections.fill({ name: 'Staging CA', url: caSigned.url, username: adminName, secret: password });
    await connections.runTest();
    await expect(connections.dialog().getByTestId('conn-test-error')).toContainText('certificate is not trusted');
    await bridge.queueDialogs({ open: [caFile] });
    await connections.openAdvanced();
    await connections.dialog().getByTestId('conn-ca-pick').click();
    await expect(connections.dialog().getByTestId('conn-ca-name')).toHaveText('company-ca.pem (new)');
    await connections.runTest();
    await expect(connections.testResult()).toHaveAttribute('data-state', 'ok');
    await connections.save();
    await connections.connect('Staging CA');
    await expect(connections.item('Staging CA')).toHaveAttribute('data-status', 'online');
    const { requests } = await bridge.queueDialogs({});
    expect(requests.at(-1)).toEqual({ type: 'open', kind: 'caCertificate' });
  } finally {
    await selfSigned.close();
    await caSigned.close();
  }
});

test('edits and duplicates a connection', async () => {
  const connections = new ConnectionsPage(page);
  await connections.open();
  await connections.menuAction('Staging', 'duplicate');
  await expect(connections.item('Staging (2)')).toBeVisible();
  await connections.menuAction('Staging (2)', 'edit');
  await expect(connections.field('conn-name')).toHaveValue('Staging (2)');
  // The duplicate has the saved password; left empty, it is kept.
  await expect(connections.field('conn-secret')).toHaveValue('');
  await expect(connections.dialog().getByTestId('conn-secret')).toContainText('Saved. Leave empty to keep it.');
  await connections.fill({ name: 'Staging copy', color: '#8E24AA' });
  await connections.runTest();
  await expect(connections.testResult()).toHaveAttribute('data-state', 'ok');
  await connections.save();
  await expect(connections.item('Staging copy')).toBeVisible();
  await expect(connections.item('Staging (2)')).toHaveCount(0);
  await connections.connect('Staging copy');
  await expect(new ConnectionSwitcher(page).button()).toHaveAttribute('data-color', '#8E24AA');
});

test('deletes a connection after confirmation, with its keychain entries', async () => {
  const connections = new ConnectionsPage(page);
  await connections.open();
  const state = await bridge.invoke<{ connections: { id: string; name: string }[] }>('connections/list');
  const id = state.ok ? state.value.connections.find((c) => c.name === 'Plain SCIM')!.id : '';
  expect(await keytar.getPassword(`Userdeck connection ${id}`, 'apiToken')).toBe(scimOnly.token);

  await connections.menuAction('Plain SCIM', 'delete');
  const dialog = page.getByTestId('delete-connection-dialog').locator('.v-card');
  await expect(dialog).toContainText('Delete “Plain SCIM”?');
  await dialog.getByTestId('delete-cancel').click();
  await expect(connections.item('Plain SCIM')).toBeVisible();

  await connections.menuAction('Plain SCIM', 'delete');
  await dialog.getByTestId('delete-confirm').click();
  await expect(connections.item('Plain SCIM')).toHaveCount(0);
  expect(await keytar.findCredentials(`Userdeck connection ${id}`)).toEqual([]);
});

test('no secret of the session reached the renderer, the profile file, the data folder or the logs', async () => {
  // The refresh token the app got for "Staging" lives in the keychain; look for it too.
  const state = await bridge.invoke<{ connections: { id: string; name: string }[]; secretStorage: { backend: string } }>(
    'connections/list',
  );
  expect(state.ok && state.value.secretStorage.backend).toBe('keychain');
  const stagingId = state.ok ? state.value.connections.find((c) => c.name === 'Staging')!.id : '';
  const refreshToken = await keytar.getPassword(`Userdeck connection ${stagingId}`, 'refreshToken');
  expect(refreshToken).toBeTruthy();
  secrets.set('refresh token', refreshToken!);
  expect(await keytar.getPassword(`Userdeck connection ${stagingId}`, 'password')).toBe(password);

  const pinia = await page.evaluate(() => {
    const app = (
      document.querySelector('#app') as unknown as {
        __vue_app__: { config: { globalProperties: { $pinia: { state: { value: unknown } } } } };
      }
    ).__vue_app__;
    return JSON.stringify(app.config.globalProperties.$pinia.state.value);
  });
  expect(pinia).toContain('Staging');
  const files = listFiles(bridge.dataDir);
  expect(files.some((f) => f.endsWith('connections.json'))).toBe(true);
  expect(files.some((f) => f.endsWith('bridge.log'))).toBe(true);
  const stored = files.map((file) => ({ file, text: readFileSync(file).toString('latin1') }));
  // The recorders see what they should (else the scan below would prove nothing).
  expect(traffic.some((c) => c.channel === 'connections/test' && c.request.includes(wrongPassword))).toBe(true);
  expect(events.some((e) => e.includes('"Staging token"'))).toBe(true);
  expect(stored.find((s) => s.file.endsWith('connections.json'))!.text).toContain(adminName);
  expect(stored.find((s) => s.file.endsWith('bridge.log'))!.text).toContain('connections: created');

  // Secrets go one way only: typed in a form, sent to main by the calls that take them.
  const mayCarrySecrets = new Set(['connections/create', 'connections/update', 'connections/test', 'connections/signIn']);
  for (const [what, secret] of secrets) {
    expect(secret.length, what).toBeGreaterThan(8);
    for (const call of traffic) {
      expect(call.response.includes(secret), `${what} in the answer to ${call.channel}`).toBe(false);
      if (!mayCarrySecrets.has(call.channel))
        expect(call.request.includes(secret), `${what} sent with ${call.channel}`).toBe(false);
    }
    for (const event of events) expect(event.includes(secret), `${what} in an event`).toBe(false);
    expect(pinia.includes(secret), `${what} in the renderer's state`).toBe(false);
    for (const { file, text } of stored) expect(text.includes(secret), `${what} in ${file}`).toBe(false);
  }
  expect(pageErrors).toEqual([]);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** The Local directory's URL, from the app's state. */
function localUrl(): string {
  const line = readFileSync(join(bridge.dataDir, 'logs', 'bridge.log'), 'utf8')
    .split('\n')
    .reverse()
    .find((l) => l.includes('local directory: started'));
  return /"url":"([^"]+)"/.exec(line ?? '')![1]!;
}

/** The Local directory's process: the bridge's child running `serve`. */
function localDirectoryPid(bridgePid: number): number {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === bridgePid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve')) return Number(pid);
    } catch {
      // The process ended meanwhile.
    }
  }
  throw new Error('no Local directory process found');
}

test('without a keychain, secrets stay in memory and the app says so', async ({ page: other }) => {
  const lonely = await startBridgeProcess({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
  try {
    await lonely.invoke('connections/dismissWelcome');
    await other.goto(lonely.url);
    await other.getByTestId('nav-connections').click();
    const warning = other.getByTestId('secret-storage-warning');
    await expect(warning).toHaveAttribute('data-backend', 'memory');
    await expect(warning).toContainText('kept only until Userdeck closes');
    await other.getByTestId('add-connection').click();
    await expect(other.getByTestId('conn-storage-warning')).toBeVisible();
  } finally {
    await lonely.stop();
  }
});
