/**
 * The users list against the Local directory seeded with the sample data: every filter and sort
 * shows the rows the server answers for the same query, the query lives in the route, paging goes
 * by cursor, views and columns are remembered, and the table works with the keyboard.
 */
import type { Page } from '@playwright/test';
import { expect, test, type UsersWorld } from './support/local-directory';
import { shot, UsersPage } from './support/users-page';

/** What the server answers for a query (its first page of 30, and the total). */
async function serverPage(world: UsersWorld, query: Record<string, string>) {
  const params = new URLSearchParams({ pageSize: '30', ...query });
  const response = await world.api.call('GET', `/api/v1/users?${params}`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return { ids: response.body.items.map((u: { id: string }) => u.id) as string[], total: response.body.total as number };
}

/** The table shows exactly the server's first page for the query, and its total. */
async function expectRows(page: Page, world: UsersWorld, query: Record<string, string>) {
  const users = new UsersPage(page);
  const expected = await serverPage(world, query);
  await expect.poll(() => users.ids(), { timeout: 15_000, intervals: [100, 200, 400] }).toEqual(expected.ids);
  await expect(users.range()).toContainText(new Intl.NumberFormat('en-US').format(expected.total));
  return expected;
}

let prepared = false;
/** A few users in the states and roles the sample lacks, so every filter has something to find. */
async function prepare(world: UsersWorld) {
  if (prepared) return;
  prepared = true;
  const some = (await world.api.call('GET', '/api/v1/users?pageSize=12&sort=username')).body.items as { id: string }[];
  const [a, b, c, d, e] = some;
  expect((await world.api.call('POST', `/api/v1/users/${a!.id}/ban`, { reason: 'spam' })).status).toBe(200);
  expect((await world.api.call('POST', `/api/v1/users/${b!.id}/ban`, { reason: 'abuse' })).status).toBe(200);
  expect((await world.api.call('PATCH', `/api/v1/users/${c!.id}`, { roles: ['administrator'] })).status).toBe(200);
  expect((await world.api.call('PATCH', `/api/v1/users/${d!.id}`, { roles: ['auditor', 'end_user'] })).status).toBe(200);
  expect((await world.api.call('PATCH', `/api/v1/users/${e!.id}`, { expiresAt: '2020-01-01T00:00:00.000Z' })).status).toBe(200);
  const segment = await world.api.call('POST', '/api/v1/segments', {
    name: 'Sales people',
    filter: { 'cf.department': 'Sales' },
  });
  expect(segment.status, JSON.stringify(segment.body)).toBe(201);
  // One user invited and never joined, one who cannot be invited (anonymized: no email), one made by
  // hand (the sample is imported), one in the trash.
  const [invited] = (await world.api.call('GET', '/api/v1/users?pageSize=1&connected=never&enrollment=none&status=active')).body
    .items as { id: string }[];
  const invitation = await world.api.call('POST', `/api/v1/users/${invited!.id}/invite`, {});
  expect(invitation.status, JSON.stringify(invitation.body)).toBe(200);
  const anonymized = await world.api.call('POST', `/api/v1/users/${some[6]!.id}/anonymize`, { confirm: true });
  expect(anonymized.status, JSON.stringify(anonymized.body)).toBe(200);
  const manual = await world.api.call('POST', '/api/v1/users', {
    username: 'filters.manual',
    email: 'filters.manual@example.org',
    firstName: 'Made',
    lastName: 'Byhand',
  });
  expect(manual.status, JSON.stringify(manual.body)).toBe(201);
  const trashed = await world.api.call('POST', '/api/v1/users', {
    username: 'filters.trashed',
    email: 'filters.trashed@example.org',
    firstName: 'In',
    lastName: 'Trash',
  });
  expect(trashed.status, JSON.stringify(trashed.body)).toBe(201);
  expect((await world.api.call('DELETE', `/api/v1/users/${trashed.body.id}`)).status).toBe(204);
}

test.beforeEach(async ({ world }) => prepare(world));

test('the first page and every sort show the rows the server answers', async ({ app, world, pageErrors }) => {
  const users = new UsersPage(app);
  await users.open();
  await expectRows(app, world, {});
  await shot(app, 'users-list');
  for (const [column, sort] of [
    ['Registered', 'createdAt'],
    ['Last sign-in', 'lastLoginAt'],
    ['Sign-ins', 'loginCount'],
    ['Username', 'username'],
  ] as const) {
    await users.sortBy(column);
    await expect(app).toHaveURL(new RegExp(`sort=${sort}`));
    await expectRows(app, world, { sort, order: 'asc' });
    await users.sortBy(column);
    await expect(app).toHaveURL(/order=desc/);
    await expectRows(app, world, { sort, order: 'desc' });
  }
  await users.sortBy('Name');
  await expectRows(app, world, { sort: 'name', order: 'asc' });
  expect(pageErrors).toEqual([]);
});

test('every filter changes the rows as the server says', async ({ app, world, pageErrors }) => {
  test.setTimeout(180_000);
  const users = new UsersPage(app);
  await users.open();
  const filters: [string, string, Record<string, string>][] = [
    ['filter-status', 'Banned', { status: 'banned' }],
    ['filter-status', 'Inactive', { status: 'inactive' }],
    ['filter-status', 'Expired', { status: 'expired' }],
    ['filter-status', 'Active', { status: 'active' }],
    ['filter-status', 'In trash', { status: 'trash' }],
    ['filter-verified', 'Not verified', { verified: 'false' }],
    ['filter-verified', 'Verified', { verified: 'true' }],
    ['filter-role', 'Administrator', { role: 'administrator' }],
    ['filter-segment', 'Sales people', { segment: '' }],
    ['filter-connected', 'Never signed in', { connected: 'never' }],
    ['filter-connected', 'Has signed in', { connected: 'ever' }],
    ['filter-enrollment', 'Joined', { enrollment: 'joined' }],
    ['filter-enrollment', 'Not invited', { enrollment: 'none' }],
    ['filter-enrollment', 'Invited, never joined', { enrollment: 'invited' }],
    ['filter-enrollment', 'No enrollment possible', { enrollment: 'notPossible' }],
    ['filter-external', 'External', { external: 'true' }],
    ['filter-external', 'Internal', { external: 'false' }],
    ['filter-source', 'Import', { source: 'import' }],
    ['filter-source', 'Manual', { source: 'manual' }],
    ['filter-cf-department', 'Sales', { 'cf.department': 'Sales' }],
    ['filter-cf-remote', 'Yes', { 'cf.remote': 'true' }],
  ];
  const segments = (await world.api.call('GET', '/api/v1/segments')).body.items as { id: string; name: string }[];
  for (const [testId, option, query] of filters) {
    // The previous filter goes with its chip's close button.
    if (await users.chips().count()) await users.chips().first().getByRole('button').click();
    await expect(users.chips()).toHaveCount(0);
    await users.selectFilter(testId, option);
    if ('segment' in query) query.segment = segments.find((s) => s.name === 'Sales people')!.id;
    const [key, value] = Object.entries(query)[0]!;
    await expect(app).toHaveURL(new RegExp(`${key.replace('.', '\\.')}=${encodeURIComponent(value)}`));
    const shown = await expectRows(app, world, query);
    // Each filter finds somebody in the prepared data, so the comparison means something.
    expect(shown.total, JSON.stringify(query)).toBeGreaterThan(0);
    await expect(users.chips()).toHaveCount(1);
  }

  // Lists, tags with their mode, date ranges and a number range, combined with the chips.
  await users.open('group=Team 01,Team 02');
  await expectRows(app, world, { group: 'Team 01,Team 02' });
  await users.open('tags=vip,beta&tagsMode=all');
  await expectRows(app, world, { tags: 'vip,beta', tagsMode: 'all' });
  await users.open();
  await users.openFilters();
  await app.getByTestId('filter-tags').locator('input').fill('vip');
  await app.keyboard.press('Enter');
  await app.keyboard.press('Escape');
  await expectRows(app, world, { tags: 'vip' });
  await users.selectFilter('filter-tags-mode', 'Any of');
  await expectRows(app, world, { tags: 'vip', tagsMode: 'any' });
  await users.selectFilter('filter-tags-mode', 'None of');
  await expectRows(app, world, { tags: 'vip', tagsMode: 'missing' });
  await users.fillRange('filter-registered', '2018-01-01', '2019-12-31');
  await expectRows(app, world, { tags: 'vip', tagsMode: 'missing', registeredFrom: '2018-01-01', registeredTo: '2019-12-31' });
  await users.fillRange('filter-last-login', '2021-01-01', '');
  await expectRows(app, world, {
    tags: 'vip',
    tagsMode: 'missing',
    registeredFrom: '2018-01-01',
    registeredTo: '2019-12-31',
    lastLoginFrom: '2021-01-01',
  });
  await expect(users.chips()).toHaveCount(3);
  await shot(app, 'users-filters');
  await users.fillRange('filter-cf-level', '3', '5');
  await expectRows(app, world, {
    tags: 'vip',
    tagsMode: 'missing',
    registeredFrom: '2018-01-01',
    registeredTo: '2019-12-31',
    lastLoginFrom: '2021-01-01',
    'cf.level': '3..5',
  });
  // A chip's close button removes its filter; "clear" removes them all.
  await users.chips().filter({ hasText: 'Tags' }).getByRole('button').click();
  await expectRows(app, world, {
    registeredFrom: '2018-01-01',
    registeredTo: '2019-12-31',
    lastLoginFrom: '2021-01-01',
    'cf.level': '3..5',
  });
  await app.getByTestId('filters-clear').click();
  await expectRows(app, world, {});
  await expect(users.chips()).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});

test('the search is debounced and matches names, usernames, emails and custom fields', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open();
  const calls: string[] = [];
  app.on('request', (request) => {
    if (request.url().includes('/__userdeck/invoke/users%2Flist')) calls.push(request.postData() ?? '');
  });
  await app.getByTestId('users-search').locator('input').pressSequentially('garcía', { delay: 30 });
  await expectRows(app, world, { q: 'garcía' });
  // One query for the whole word, not one per keystroke.
  expect(calls.filter((c) => c.includes('garc')).length).toBe(1);
  await expect(app).toHaveURL(/q=garc%C3%ADa/);
  await users.search('Carpe diem');
  await expectRows(app, world, { q: 'Carpe diem' });
  await users.search('zzzz-nobody-qqqq');
  await expect(app.getByTestId('empty-state')).toContainText('No user matches');
  await shot(app, 'users-empty');
});

test('the query is in the route: bookmarked, reloaded and shared it shows the same rows', async ({ app, world, browser }) => {
  const users = new UsersPage(app);
  await users.open();
  await users.selectFilter('filter-status', 'Active');
  await users.selectFilter('filter-verified', 'Verified');
  await users.sortBy('Sign-ins');
  const query = { status: 'active', verified: 'true', sort: 'loginCount', order: 'asc' };
  const expected = await expectRows(app, world, query);
  const url = app.url();
  expect(url).toContain('#/users?');
  await app.reload();
  await expect.poll(() => users.ids(), { timeout: 15_000 }).toEqual(expected.ids);
  // Shared: the same view's address opened in another browser (which gets its own bridge token).
  const other = await browser.newPage();
  await other.goto(`${world.bridge.url}${new URL(url).hash}`);
  await expect.poll(() => new UsersPage(other).ids(), { timeout: 15_000 }).toEqual(expected.ids);
  await expect(other.getByTestId('filter-chip')).toHaveCount(2);
  await other.close();
});

test('next and previous pages go by keyset cursor; the page size can change', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open('sort=createdAt');
  const first = await expectRows(app, world, { sort: 'createdAt' });
  await app.getByTestId('page-next').click();
  await expect(app).toHaveURL(/cursor=/);
  const cursor = decodeURIComponent(/cursor=([^&]+)/.exec(app.url())![1]!);
  await expectRows(app, world, { sort: 'createdAt', cursor });
  await expect(users.range()).toContainText('31–60');
  const second = await users.ids();
  const server = await world.api.call('GET', `/api/v1/users?sort=createdAt&pageSize=30&page=2`);
  expect(second).toEqual(server.body.items.map((u: { id: string }) => u.id));
  await app.getByTestId('page-next').click();
  await expect(users.range()).toContainText('61–90');
  await app.getByTestId('page-prev').click();
  await expect.poll(() => users.ids()).toEqual(second);
  await app.getByTestId('page-prev').click();
  await expect.poll(() => users.ids()).toEqual(first.ids);
  await expect(app).not.toHaveURL(/cursor=/);
  await app.getByTestId('page-size').click();
  await app.locator('.v-overlay--active .v-list-item').filter({ hasText: /^10$/ }).click();
  await expect(app).toHaveURL(/pageSize=10/);
  const ten = await world.api.call('GET', `/api/v1/users?sort=createdAt&pageSize=10`);
  await expect.poll(() => users.ids()).toEqual(ten.body.items.map((u: { id: string }) => u.id));
});

test('saved views and chosen columns are remembered for the connection', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open('status=inactive&sort=lastLoginAt&order=desc');
  await app.getByTestId('views-menu').click();
  await app.getByTestId('view-save').click();
  await app.getByTestId('view-name').locator('input').fill('Dormant');
  await app.getByTestId('view-save-confirm').click();
  await users.open();
  await app.getByTestId('views-menu').click();
  await app.getByTestId('view-Dormant').click();
  await expectRows(app, world, { status: 'inactive', sort: 'lastLoginAt', order: 'desc' });

  await app.getByTestId('columns-menu').click();
  await app.getByTestId('column-groups').locator('input').check();
  await app.getByTestId('column-cf.department').locator('input').check();
  await app.getByTestId('column-email').locator('input').uncheck();
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('cell-groups').first()).toBeVisible();
  await app.reload();
  await users.waitForRows();
  await expect(app.getByTestId('cell-cf-department').first()).toBeVisible();
  await expect(
    users
      .table()
      .locator('th')
      .filter({ hasText: /^Email$/ }),
  ).toHaveCount(0);
  // The department cells are the server's values.
  const ids = await users.ids();
  const first = (await world.api.call('GET', `/api/v1/users/${ids[0]}`)).body;
  await expect(app.getByTestId('cell-cf-department').first()).toHaveText(first.customFields.department ?? '');
  await shot(app, 'users-columns');
  await app.getByTestId('columns-menu').click();
  await app.getByTestId('columns-reset').click();
  await app.keyboard.press('Escape');
  await expect(
    users
      .table()
      .locator('th')
      .filter({ hasText: /^Email$/ }),
  ).toHaveCount(1);
  // Still there after a reload: views belong to the connection, on this computer.
  await app.reload();
  await app.getByTestId('views-menu').click();
  await expect(app.getByTestId('view-Dormant')).toBeVisible();
  await app.getByTestId('view-delete-Dormant').click();
  await expect(app.getByTestId('view-Dormant')).toHaveCount(0);
});

test('the keyboard moves with arrows, selects with space and opens with enter', async ({ app }) => {
  const users = new UsersPage(app);
  await users.open();
  const ids = await users.ids();
  await app.getByTestId('users-search').locator('input').focus();
  await app.keyboard.press('ArrowDown');
  await expect(users.rows().first()).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowDown');
  await expect(users.rows().nth(2)).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await expect(users.rows().nth(1)).toBeFocused();
  await app.keyboard.press(' ');
  await expect(users.rows().nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(app.getByTestId('bulk-count')).toHaveText('1 user selected');
  await app.keyboard.press(' ');
  await expect(users.rows().nth(1)).toHaveAttribute('aria-selected', 'false');
  await app.keyboard.press('Enter');
  await expect(app).toHaveURL(new RegExp(`#/users/${ids[1]}`));
  await expect(app.getByTestId('profile-header')).toBeVisible();
});

test('the status changes inline from the row', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open('status=active&sort=username&order=desc');
  const row = users.rows().first();
  const id = (await row.getAttribute('data-id'))!;
  await row.getByTestId('status-chip').click();
  await app.getByTestId('status-deactivate').click();
  await expect(row.getByTestId('status-chip')).toHaveAttribute('data-state', 'inactive');
  await expect.poll(async () => (await world.api.call('GET', `/api/v1/users/${id}`)).body.active).toBe(false);
  await row.getByTestId('status-chip').click();
  await app.getByTestId('status-ban').click();
  await app.getByTestId('reason-input').locator('textarea').first().fill('Shared their account');
  await app.getByTestId('reason-confirm').click();
  await expect(row.getByTestId('status-chip')).toHaveAttribute('data-state', 'banned');
  const banned = (await world.api.call('GET', `/api/v1/users/${id}`)).body;
  expect([banned.inactiveReason, banned.statusNote]).toEqual(['banned', 'Shared their account']);
  await row.getByTestId('status-chip').click();
  await app.getByTestId('status-activate').click();
  await expect(row.getByTestId('status-chip')).toHaveAttribute('data-state', 'active');
  await expect.poll(async () => (await world.api.call('GET', `/api/v1/users/${id}`)).body.active).toBe(true);
});

test('the list and profile speak Spanish and French, with dates and numbers in that locale, and read in dark mode', async ({
  app,
  world,
}) => {
  const users = new UsersPage(app);
  await users.open('sort=createdAt');
  await app.getByTestId('theme-menu').click();
  await app.getByTestId('theme-dark').click();
  await expect(app.locator('.v-application')).toHaveClass(/v-theme--dark/);
  const first = (await world.api.call('GET', '/api/v1/users?sort=createdAt&pageSize=1')).body.items[0];
  for (const [locale, header, range] of [
    ['es', 'Registro', /1–30 de [\d.\s]+/],
    ['fr', 'Inscription', /1–30 sur [\d\s\u202f]+/],
  ] as const) {
    await app.getByTestId('language-menu').click();
    await app.getByTestId(`language-${locale}`).click();
    await expect(users.table().locator('th').filter({ hasText: header })).toHaveCount(1);
    await expect(users.range()).toHaveText(range);
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(first.createdAt));
    await expect(app.getByTestId('cell-createdAt').first()).toHaveText(date);
    await expect(app.getByTestId('cell-loginCount').first()).toHaveText(new Intl.NumberFormat(locale).format(first.loginCount));
    await shot(app, `users-list-dark-${locale}`);
  }
  await users.rows().first().getByTestId('user-name').click();
  await expect(app.getByTestId('tab-overview-button')).toHaveText('Aperçu');
  await shot(app, 'profile-dark-fr');
  await app.getByTestId('language-menu').click();
  await app.getByTestId('language-en').click();
  await app.getByTestId('theme-menu').click();
  await app.getByTestId('theme-system').click();
});
