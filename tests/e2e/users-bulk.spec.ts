/**
 * Bulk actions as jobs, against the Local directory: "all N matching" sends the filter (never the
 * ids), the preview says what will change, destructive actions want the count typed, the progress
 * panel follows the job, and the results list each user. Jobs run in chunks of 50 with a pause here,
 * so progress is visible and a cancel lands midway.
 */
import { expect, test, type UsersWorld } from './support/local-directory';
import { shot, UsersPage } from './support/users-page';

/** Creates `count` active users carrying a tag of their own, through the batch API. */
async function seedTagged(world: UsersWorld, tag: string, count: number) {
  for (let at = 0; at < count; at += 500) {
    const rows = Array.from({ length: Math.min(500, count - at) }, (_, k) => {
      const i = at + k;
      return {
        key: `${tag}-${i}`,
        action: 'create',
        user: {
          username: `${tag}.${i}`,
          email: `${tag}.${i}@example.org`,
          firstName: 'Bulk',
          lastName: `Person ${i}`,
          tags: [tag],
          active: true,
        },
      };
    });
    const response = await world.api.call('POST', '/api/v1/users/batch', { rows });
    expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBe(200);
    expect(response.body.results.filter((r: { status: string }) => r.status !== 'created')).toEqual([]);
  }
}

test('a bulk deactivate of all 1,000 matching users: preview, typed count, progress and results', async ({
  app,
  world,
  pageErrors,
}) => {
  test.setTimeout(150_000);
  await seedTagged(world, 'bulk1000', 1000);
  const users = new UsersPage(app);
  await users.open('tags=bulk1000&status=active');
  await expect(users.range()).toContainText('of 1,000');

  // The page, then everything matching: the selection is the filter, not a list of ids.
  await users.selectPage();
  await expect(app.getByTestId('bulk-count')).toHaveText('30 users selected');
  await app.getByTestId('bulk-select-all').click();
  await expect(app.getByTestId('bulk-count')).toHaveText('All 1,000 matching users selected');
  const sent: string[] = [];
  app.on('request', (request) => {
    if (request.url().includes('/__userdeck/invoke/jobs%2F')) sent.push(request.postData() ?? '');
  });

  await users.bulk('deactivate');
  const dialog = users.bulkDialog();
  await expect(dialog.getByTestId('preview-change')).toHaveText('1,000');
  await expect(dialog.getByTestId('preview-skip')).toHaveText('0');
  await shot(app, 'users-bulk-preview');
  // Destructive: nothing runs until the count is typed.
  await expect(dialog.getByTestId('bulk-run')).toBeDisabled();
  await dialog.getByTestId('bulk-confirm-count').locator('input').fill('999');
  await expect(dialog.getByTestId('bulk-run')).toBeDisabled();
  await dialog.getByTestId('bulk-confirm-count').locator('input').fill('1000');
  await dialog.getByTestId('bulk-run').click();

  const job = users.jobsPanel().getByTestId('job-item').first();
  await expect(job).toBeVisible();
  // Progress shows while it runs (the panel can be minimised and shown again meanwhile).
  await expect(job.getByTestId('job-progress')).toHaveText(/^[1-9][\d,]* \/ 1,000$/, { timeout: 30_000 });
  await shot(app, 'users-bulk-progress');
  await app.getByTestId('jobs-minimize').click();
  await expect(job.getByTestId('job-progress')).toBeHidden();
  await app.getByTestId('nav-dashboard').click();
  await app.getByTestId('jobs-minimize').click();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  await expect(job.getByTestId('job-counts')).toHaveText('1,000 done · 0 skipped · 0 failed');

  // The filter went to the server, never a list of 1,000 ids.
  const started = sent.find((body) => body.includes('"action":"deactivate"') && !body.includes('preview'))!;
  expect(started).toContain('"query"');
  expect(started).not.toContain('"ids"');

  // What the server says: nobody tagged is active any more.
  expect(await world.api.all({ tags: 'bulk1000', status: 'active' })).toHaveLength(0);
  expect(await world.api.all({ tags: 'bulk1000', status: 'inactive' })).toHaveLength(1000);

  await job.getByTestId('job-results').click();
  const results = app.getByTestId('job-results-dialog');
  await expect(results.getByTestId('result-status').first()).toHaveText('Done');
  await results.getByTestId('results-failed').click();
  await expect(results.getByTestId('result-user')).toHaveCount(0);
  await expect(results.getByTestId('results-retry')).toBeDisabled();
  await shot(app, 'users-bulk-results');
  // And the CSV of the results, through the native save dialog.
  const csv = `${world.bridge.dataDir}/results.csv`;
  await world.bridge.queueDialogs({ save: [csv] });
  await results.getByTestId('results-save').click();
  await expect(app.getByTestId('notice')).toContainText('Saved as results.csv');
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(1001);
  expect(pageErrors).toEqual([]);
});

test('cancelling a job midway leaves each user either done or untouched, and the counts add up', async ({ app, world }) => {
  test.setTimeout(150_000);
  await seedTagged(world, 'cancel1000', 1000);
  const users = new UsersPage(app);
  await users.open('tags=cancel1000');
  await users.selectPage();
  await app.getByTestId('bulk-select-all').click();
  await users.bulk('addTags');
  const dialog = users.bulkDialog();
  await dialog.getByTestId('bulk-list').locator('input').fill('halfway');
  await app.keyboard.press('Enter');
  await expect(dialog.getByTestId('bulk-list')).toContainText('halfway');
  await app.keyboard.press('Escape');
  await dialog.getByTestId('bulk-preview-btn').click();
  await expect(dialog.getByTestId('preview-change')).toHaveText('1,000');
  await dialog.getByTestId('bulk-run').click();
  const job = users.jobsPanel().getByTestId('job-item').first();
  await expect(job.getByTestId('job-progress')).toHaveText(/^[1-9][\d,]* \/ 1,000$/, { timeout: 30_000 });
  await job.getByTestId('job-cancel').click();
  await expect(job).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });

  const id = (await job.getAttribute('data-job-id'))!;
  const server = (await world.api.call('GET', `/api/v1/jobs/${id}`)).body;
  expect(server.status).toBe('cancelled');
  expect(server.done).toBeGreaterThan(0);
  expect(server.done).toBeLessThan(1000);
  expect(server.done + server.skipped + server.failed).toBe(1000);
  await expect(job.getByTestId('job-counts')).toHaveText(
    `${server.done.toLocaleString('en-US')} done · ${server.skipped.toLocaleString('en-US')} skipped · ${server.failed} failed`,
  );
  // Consistent: exactly the users reported done have the tag, no one else.
  const tagged = await world.api.all({ tags: 'cancel1000,halfway', tagsMode: 'all' });
  expect(tagged).toHaveLength(server.done);
  const doneIds = new Set<string>();
  for (let page = 1; doneIds.size < server.done; page++) {
    const results = await world.api.call('GET', `/api/v1/jobs/${id}/results?status=done&pageSize=500&page=${page}`);
    for (const r of results.body.items) doneIds.add(r.userId);
    if (results.body.items.length < 500) break;
  }
  expect(new Set(tagged.map((u) => u.id))).toEqual(doneIds);
  // The results say why the others were left alone.
  await job.getByTestId('job-results').click();
  await app.getByTestId('results-skipped').click();
  await expect(app.getByTestId('result-status').first()).toHaveText('Skipped');
});

test('failed users can be retried as a new job from the results', async ({ app, world }) => {
  // Users with activity cannot be deleted (the default policy): some of these fail.
  await seedTagged(world, 'retry', 4);
  const all = await world.api.all({ tags: 'retry' });
  const login = await world.api.call('PATCH', `/api/v1/users/${all[0].id}`, { password: 'Signed-in-once-1' });
  expect(login.status).toBe(200);
  const signIn = await fetch(`${world.api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: all[0].username, password: 'Signed-in-once-1' }),
  });
  expect(signIn.status).toBe(200);

  const users = new UsersPage(app);
  await users.open('tags=retry');
  await users.selectPage();
  await users.bulk('delete');
  const dialog = users.bulkDialog();
  // A delete first offers a fallback owner (none needed here: these users own nothing).
  await expect(dialog.getByTestId('bulk-fallback-owner')).toBeVisible();
  // The picker has the focus and drops its list of users down; a click beside it puts that away.
  await dialog.locator('.v-card-title').click();
  await dialog.getByTestId('bulk-preview-btn').click();
  await expect(dialog.getByTestId('preview-change')).toHaveText('3');
  await expect(dialog.getByTestId('preview-reasons')).toBeVisible();
  await dialog.getByTestId('bulk-confirm-count').locator('input').fill('3');
  await dialog.getByTestId('bulk-run').click();
  const job = users.jobsPanel().getByTestId('job-item').first();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await job.getByTestId('job-results').click();
  await app.getByTestId('results-failed').click();
  await expect(app.getByTestId('result-user')).toHaveText([all[0].username]);
  await app.getByTestId('results-retry').click();
  await expect(users.jobsPanel().getByTestId('job-item')).toHaveCount(2);
  const retried = users.jobsPanel().getByTestId('job-item').first();
  await expect(retried).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const retriedJob = (await world.api.call('GET', `/api/v1/jobs/${await retried.getAttribute('data-job-id')}`)).body;
  expect([retriedJob.action, retriedJob.total, retriedJob.failed]).toEqual(['delete', 1, 1]);
  expect(await world.api.all({ tags: 'retry', status: 'trash' })).toHaveLength(3);
});

test('parameterised actions from the bulk menu: add a tag, assign a group, set the language', async ({
  app,
  world,
  pageErrors,
}) => {
  test.setTimeout(120_000);
  await seedTagged(world, 'params', 3);
  const before = await world.api.all({ tags: 'params' });
  expect(before.map((u) => u.language)).not.toContain('fr');
  const users = new UsersPage(app);
  await users.open('tags=params');
  await expect(users.rows()).toHaveCount(3);
  const dialog = users.bulkDialog();
  const jobs = users.jobsPanel().getByTestId('job-item');

  /** Selects the page, runs the action once its parameters are given, and waits for the job. */
  async function run(action: string, give: () => Promise<void>, nth: number) {
    await users.selectPage();
    await expect(app.getByTestId('bulk-count')).toHaveText('3 users selected');
    await users.bulk(action);
    await give();
    await dialog.getByTestId('bulk-preview-btn').click();
    await expect(dialog.getByTestId('preview-change')).toHaveText('3');
    await dialog.getByTestId('bulk-run').click();
    await expect(jobs).toHaveCount(nth);
    await expect(jobs.first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(jobs.first().getByTestId('job-counts')).toHaveText('3 done · 0 skipped · 0 failed');
    await users.waitForRows();
  }

  // A new tag, created as it is typed.
  await run(
    'addTags',
    async () => {
      await dialog.getByTestId('bulk-list').locator('input').fill('handpicked');
      await app.keyboard.press('Enter');
      await expect(dialog.getByTestId('bulk-list')).toContainText('handpicked');
      await app.keyboard.press('Escape');
    },
    1,
  );
  // An existing group, found by its name.
  await run(
    'addGroups',
    async () => {
      await dialog.getByTestId('bulk-list').locator('input').fill('Support');
      await app
        .locator('.v-overlay--active .v-list-item')
        .filter({ hasText: /^Support$/ })
        .click();
      await app.keyboard.press('Escape');
      await expect(dialog.getByTestId('bulk-list')).toContainText('Support');
    },
    2,
  );
  // A language of the directory, from its list.
  await run(
    'setLanguage',
    async () => {
      await dialog.getByTestId('bulk-single').click();
      await app
        .locator('.v-overlay--active .v-list-item')
        .filter({ hasText: /^Français \(fr\)$/ })
        .click();
      await expect(dialog.getByTestId('bulk-single')).toContainText('Français (fr)');
    },
    3,
  );

  // What the server says: each of the three has all three changes, and nobody else got the tag.
  const after = await world.api.all({ tags: 'params' });
  expect(after.map((u) => u.id).sort()).toEqual(before.map((u) => u.id).sort());
  for (const user of after) {
    expect(user.tags).toEqual(expect.arrayContaining(['params', 'handpicked']));
    expect(user.groups.map((g: { name: string }) => g.name)).toContain('Support');
    expect(user.language).toBe('fr');
  }
  expect(await world.api.all({ tags: 'handpicked' })).toHaveLength(3);
  expect(pageErrors).toEqual([]);
});

test('exporting a selection runs as a job whose file is saved through the native dialog', async ({ app, world }) => {
  const users = new UsersPage(app);
  await users.open('sort=username&pageSize=10');
  const ids = await users.ids();
  for (const index of [0, 1, 2]) await users.selectRow(index);
  await users.bulk('export');
  const dialog = users.bulkDialog();
  await dialog.getByTestId('bulk-columns').click();
  for (const column of ['Username', 'Email'])
    await app
      .locator('.v-overlay--active .v-list-item')
      .filter({ hasText: new RegExp(`^${column}$`) })
      .click();
  await app.keyboard.press('Escape');
  await dialog.getByTestId('bulk-preview-btn').click();
  await expect(dialog.getByTestId('preview-change')).toHaveText('3');
  await dialog.getByTestId('bulk-run').click();
  const job = users.jobsPanel().getByTestId('job-item').first();
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  const file = `${world.bridge.dataDir}/export.csv`;
  await world.bridge.queueDialogs({ save: [file] });
  await job.getByTestId('job-save-export').click();
  await expect(app.getByTestId('notice')).toContainText('Saved as export.csv');
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const expected = await Promise.all(
    ids.slice(0, 3).map(async (id) => (await world.api.call('GET', `/api/v1/users/${id}`)).body),
  );
  expect(lines[0]).toBe('username,email');
  expect(lines.slice(1).sort()).toEqual(expected.map((u) => `${u.username},${u.email}`).sort());
});
