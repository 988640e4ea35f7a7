/**
 * Users on a plain SCIM backend, in Chromium through the bridge with the real services: the
 * directory server as its own process with its admin API turned off (`--scim-only`). The list
 * pages, searches and filters through SCIM and offers nothing the server cannot do; a user is
 * created, read, edited (a stale copy opens the compare dialog), deactivated and deleted; and the
 * route guard sends the user to the dashboard from screens a SCIM server cannot serve.
 */
import { randomUUID } from 'node:crypto';
import { test, expect, type Page } from '@playwright/test';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process';
import { startDirectoryProcess, type DirectoryProcess } from '../helpers/directory-process';
import { ConnectionSwitcher } from './support/connections';
import { ProfilePage, shot, UserForm, UsersPage } from './support/users-page';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let bridge: BridgeProcess;
let scim: DirectoryProcess;
let page: Page;
let connectionId: string;
const pageErrors: string[] = [];
const tag = randomUUID().slice(0, 6);
/** 45 people: page 2 of 30 holds 15; every fifth one is inactive. */
const seeded = Array.from({ length: 45 }, (_, i) => {
  const n = String(i).padStart(2, '0');
  return { userName: `p${n}.${tag}`, given: `Given${n}`, family: `Family${n}`, active: i % 5 !== 0 };
});

/** What the SCIM server itself says about a user (by userName). */
async function scimUser(userName: string): Promise<any | null> {
  const filter = encodeURIComponent(`userName eq "${userName}"`);
  const res = await scim.api<{ Resources?: any[] }>('GET', `/scim/v2/Users?filter=${filter}`);
  expect(res.status).toBe(200);
  return res.body.Resources?.[0] ?? null;
}

/** Waits for a message among the ones the snackbar shows in turn, closing the others. */
async function expectNotice(text: string) {
  await expect
    .poll(
      async () => {
        const notice = page.getByTestId('notice');
        if (!(await notice.isVisible())) return '';
        const content = (await notice.textContent()) ?? '';
        if (!content.includes(text))
          await notice
            .getByTestId('notice-close')
            .click({ timeout: 1000 })
            .catch(() => undefined);
        return content;
      },
      { timeout: 15_000 },
    )
    .toContain(text);
}

test.beforeAll(async ({ browser }) => {
  bridge = await startBridgeProcess();
  scim = await startDirectoryProcess({ scimOnly: true });
  for (const person of seeded) {
    const res = await scim.api('POST', '/scim/v2/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: person.userName,
      name: { givenName: person.given, familyName: person.family },
      emails: [{ value: `${person.userName}@example.org`, type: 'work', primary: true }],
      active: person.active,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  // An admin directory to start from (the Local directory, empty), and the plain SCIM one beside it.
  const local = await bridge.invoke('local/initialize', { sample: false });
  expect(local.ok, JSON.stringify(local)).toBe(true);
  const created = await bridge.invoke<{ id: string }>('connections/create', {
    name: 'Plain SCIM',
    color: '#FB8C00',
    baseUrl: scim.url,
    auth: { method: 'token' },
    secret: scim.token,
    proxy: { mode: 'none' },
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  connectionId = created.value.id;

  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => {
      const style = document.createElement('style');
      style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
      document.head.append(style);
    });
  });
});

test.afterAll(async () => {
  if (connectionId) await bridge?.invoke('connections/delete', { id: connectionId });
  await page?.close();
  await bridge?.stop();
  await scim?.close();
});

test('switching to a plain SCIM backend on an admin-only screen lands on the dashboard', async () => {
  await page.goto(`${bridge.url}#/trash`);
  await expect(page.getByTestId('nav-trash')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('trash-search')).toBeVisible();

  await new ConnectionSwitcher(page).choose('Plain SCIM');
  await expect(page).toHaveURL(/#\/dashboard$/, { timeout: 20_000 });
  await expectNotice('Plain SCIM does not offer that screen');
  await expect(page.getByTestId('nav-trash')).toHaveCount(0);

  // Typed or bookmarked, an admin-only address goes the same way; the users list does not.
  await page.goto(`${page.url().split('#')[0]}#/roles`);
  await expect(page).toHaveURL(/#\/dashboard$/);
  await page.getByTestId('nav-users').click();
  await expect(page).toHaveURL(/#\/users/);
});

test('lists the SCIM users, paged by the server, and offers only what the server can do', async () => {
  const users = new UsersPage(page);
  await users.open();
  await expect(users.rows()).toHaveCount(30);
  await expect(users.range()).toHaveText('1–30 of 45');
  expect((await users.usernames())[0]).toBe(`p00.${tag}`);
  await shot(page, 'users-scim');

  // No selection or bulk actions, no columns SCIM cannot fill, no filters but the status.
  await expect(users.table().locator('input[type=checkbox]')).toHaveCount(0);
  const headers = await users.table().locator('thead th').allTextContents();
  expect(headers.join('|')).not.toMatch(/Roles|Last sign-in|Sign-ins|Tags/);
  await users.openFilters();
  await expect(page.getByTestId('filter-status')).toBeVisible();
  await expect(page.getByTestId('filters-scim-note')).toBeVisible();
  for (const hidden of [
    'filter-verified',
    'filter-role',
    'filter-tags',
    'filter-connected',
    'filter-source',
    'filter-registered',
  ])
    await expect(page.getByTestId(hidden)).toHaveCount(0);

  await page.getByTestId('page-next').click();
  await expect(users.range()).toHaveText('31–45 of 45');
  await expect(users.rows()).toHaveCount(15);
  expect((await users.usernames())[0]).toBe(`p30.${tag}`);
  await expect(page.getByTestId('page-next')).toBeDisabled();
  await page.getByTestId('page-prev').click();
  await expect(users.range()).toHaveText('1–30 of 45');

  // Sorted by name, backwards.
  await users.sortBy('Name');
  await expect(page).toHaveURL(/order=desc/);
  await expect.poll(() => users.usernames().then((u) => u[0])).toBe(`p44.${tag}`);
});

test('searches and filters by status through SCIM filters', async () => {
  const users = new UsersPage(page);
  await users.open();
  await users.search('Family07');
  await expect.poll(() => users.usernames()).toEqual([`p07.${tag}`]);
  await users.search(`p1`);
  await expect(users.range()).toHaveText('1–10 of 10');

  await users.open();
  await users.selectFilter('filter-status', 'Inactive');
  await expect(users.range()).toHaveText('1–9 of 9');
  expect(await users.usernames()).toEqual(seeded.filter((p) => !p.active).map((p) => p.userName));
  await expect(page).toHaveURL(/status=inactive/);
  // Only the statuses SCIM has.
  await page.getByTestId('filter-status').click();
  await expect(page.locator('.v-overlay--active .v-list-item')).toHaveText(['Active', 'Inactive']);
  await page.keyboard.press('Escape');

  // A filter SCIM cannot apply, left in an address, is dropped rather than failing.
  await users.open('tags=vip&status=active');
  await expect(page).toHaveURL(/#\/users\?status=active$/);
  await expect(users.range()).toHaveText('1–30 of 36');
});

test('creates a user with the core SCIM fields, edits it, deactivates it and deletes it', async () => {
  const users = new UsersPage(page);
  await users.open();
  await page.getByTestId('user-create').click();
  const form = new UserForm(page);
  await expect(form.dialog()).toBeVisible();
  for (const hidden of ['maternalSurname', 'officialCode', 'language', 'expiresAt', 'external', 'emailVerified', 'roles', 'tags'])
    await expect(form.dialog().getByTestId(`field-${hidden}`)).toHaveCount(0);
  await expect(form.dialog().getByTestId('field-after')).toHaveCount(0);
  const userName = `nova.${tag}`;
  await form.fill({
    firstName: 'Nova',
    lastName: 'Scim',
    username: userName,
    displayName: 'Nova S.',
    email: `${userName}@example.org`,
    phone: '+34 600 000 000',
    password: 'Stars-and-Planets-9',
    passwordConfirm: 'Stars-and-Planets-9',
  });
  await form.submit();
  await expect(form.dialog()).toHaveCount(0);
  const stored = await scimUser(userName);
  expect(stored).toMatchObject({
    displayName: 'Nova S.',
    name: { givenName: 'Nova', familyName: 'Scim' },
    emails: [expect.objectContaining({ value: `${userName}@example.org` })],
    phoneNumbers: [expect.objectContaining({ value: '+34 600 000 000' })],
    active: true,
  });
  expect(stored.password).toBeUndefined();

  // The profile: the SCIM attributes in the overview; no tabs the server cannot fill.
  await users.search(userName);
  await expect.poll(() => users.usernames()).toEqual([userName]);
  await users.rowOf(userName).getByTestId('user-name').click();
  const profile = new ProfilePage(page);
  await expect(page.getByTestId('profile-header')).toBeVisible();
  await expect(page.getByTestId('profile-name')).toHaveText('Nova S.');
  await expect(page.locator('[data-testid=scim-attribute][data-path=userName]')).toHaveText(userName);
  await expect(page.locator('[data-testid=scim-attribute][data-path="name.familyName"]')).toHaveText('Scim');
  const tabs = await page.getByTestId('profile-tabs').locator('[role=tab]').allTextContents();
  expect(tabs.map((t) => t.trim())).toEqual(['Overview', 'Danger zone']);
  await shot(page, 'users-scim-profile');

  // Someone changes the user behind our back: saving opens the compare dialog, then "mine" wins.
  await page.getByTestId('profile-edit').click();
  await expect(form.dialog()).toBeVisible();
  await form.fill({ displayName: 'Nova Mine' });
  const theirs = await scim.api('PATCH', `/scim/v2/Users/${stored.id}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'displayName', value: 'Nova Theirs' }],
  });
  expect(theirs.status).toBe(200);
  await form.submit();
  const compare = page.getByTestId('compare-dialog').locator('.v-card').first();
  await expect(compare).toBeVisible();
  await expect(compare.getByTestId('compare-theirs').first()).toContainText('Nova Theirs');
  await compare.getByTestId('compare-mine-btn').click();
  await expect(page.getByTestId('profile-name')).toHaveText('Nova Mine');
  expect((await scimUser(userName)).displayName).toBe('Nova Mine');

  await page.getByTestId('quick-deactivate').click();
  await expect(page.getByTestId('profile-status')).toHaveAttribute('data-state', 'inactive');
  expect((await scimUser(userName)).active).toBe(false);
  await expect(page.getByTestId('quick-activate')).toBeVisible();

  await profile.tab('danger');
  await expect(page.getByTestId('danger-ban')).toHaveCount(0);
  await expect(page.getByTestId('danger-anonymize')).toHaveCount(0);
  await page.getByTestId('danger-delete').click();
  const confirm = page.getByTestId('delete-dialog').locator('.v-card').first();
  await expect(confirm).toContainText('cannot be undone');
  await confirm.getByTestId('delete-cancel').click();
  expect(await scimUser(userName)).not.toBeNull();
  await page.getByTestId('danger-delete').click();
  await confirm.getByTestId('delete-confirm').click();
  await expect(page).toHaveURL(/#\/users/);
  await expectNotice(`${userName} was deleted.`);
  expect(await scimUser(userName)).toBeNull();
  expect(pageErrors).toEqual([]);
});
