/**
 * The profile page against the Local directory: each tab shows what the server has about the user
 * (activity, sign-ins, sessions, notes, form answers, rights), the security actions really act, the
 * impersonation opens its own window with the bar and closes on exit, the activity's date range
 * matches the server's, and the danger zone follows the server's rules (delete refused with its
 * reason, or to the trash with a fallback owner who receives the user's groups; typed confirmation to
 * anonymize; deactivate; ban with a reason).
 */
import { expect, test, type UsersWorld } from './support/local-directory';
import { ProfilePage, shot } from './support/users-page';

async function signIn(world: UsersWorld, username: string, password: string) {
  return fetch(`${world.api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'E2E-Browser/1.0' },
    body: JSON.stringify({ username, password }),
  });
}

/** A user with some history: two sign-ins (two sessions), a profile change, a visit, a note. */
async function userWithHistory(world: UsersWorld, username: string, roles = ['auditor']) {
  const created = await world.api.call('POST', '/api/v1/users', {
    username,
    email: `${username}@example.org`,
    firstName: 'Ingrid',
    lastName: 'Profile',
    password: 'History-Pass-42',
    roles,
    groups: ['Team 07', 'Support'],
    tags: ['vip', 'mentor'],
    customFields: { department: 'Legal', level: 7 },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  for (let i = 0; i < 2; i++) expect((await signIn(world, username, 'History-Pass-42')).status).toBe(200);
  expect((await world.api.call('PATCH', `/api/v1/users/${id}`, { phone: '+1 555 0100' })).status).toBe(200);
  expect(
    (await world.api.call('POST', '/api/v1/events', { events: [{ userId: id, type: 'page', name: '/courses/42', app: 'lms' }] }))
      .status,
  ).toBe(200);
  expect((await world.api.call('POST', `/api/v1/users/${id}/notes`, { body: 'Called about the invoice.' })).status).toBe(201);
  return id;
}

test('each tab shows what the server has about the user', async ({ app, world, pageErrors }) => {
  const id = await userWithHistory(world, 'ingrid.profile');
  const user = (await world.api.call('GET', `/api/v1/users/${id}`)).body;
  const profile = new ProfilePage(app);
  await profile.open(id);

  await expect(app.getByTestId('profile-name')).toHaveText('Ingrid Profile');
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'active');
  await expect(app.getByTestId('profile-login-count')).toHaveText(String(user.loginCount));
  await expect(app.getByTestId('profile-last-login')).not.toHaveText('Never');
  const registered = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(user.createdAt),
  );
  await expect(app.getByTestId('profile-registered')).toHaveText(registered);

  // Overview: groups, tags, custom fields and the rights each role gives.
  await expect(app.getByTestId('overview-groups').locator('.v-chip')).toHaveText(
    user.groups.map((g: { name: string }) => g.name),
  );
  await expect(app.getByTestId('overview-tags').locator('.v-chip')).toHaveText(user.tags);
  await expect(app.getByTestId('overview-cf-department')).toHaveText('Legal');
  await expect(app.getByTestId('overview-cf-level')).toHaveText('7');
  const rights = (await world.api.call('GET', `/api/v1/users/${id}/rights`)).body;
  await expect(app.getByTestId('rights-total')).toHaveText(`${rights.permissions.length} permissions in all`);
  await app.getByTestId('overview-roles').getByText('Auditor').click();
  await expect(app.getByTestId('role-rights')).toContainText('Users');
  await expect(app.getByTestId('role-rights')).toContainText('see');
  await shot(app, 'profile-overview');

  // Activity: the server's timeline, the sign-ins chart, the last access; filtered by type.
  await profile.tab('activity');
  const activity = (await world.api.call('GET', `/api/v1/users/${id}/activity?pageSize=50`)).body.items as { action: string }[];
  await expect(app.getByTestId('activity-item')).toHaveCount(activity.length);
  expect(
    await app.getByTestId('activity-item').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.action)),
  ).toEqual(activity.map((a) => a.action));
  await expect(app.getByTestId('signins-chart')).toHaveAttribute('data-total', '2');
  await expect(app.getByTestId('recent-access')).toContainText('/courses/42');
  await app.getByTestId('activity-type').click();
  await app
    .locator('.v-overlay--active .v-list-item')
    .filter({ hasText: /^Sign-ins$/ })
    .click();
  const logins = (await world.api.call('GET', `/api/v1/users/${id}/activity?type=auth&pageSize=50`)).body.items as {
    action: string;
  }[];
  await expect(app.getByTestId('activity-item')).toHaveCount(logins.length);
  expect(logins.every((a) => a.action.startsWith('auth.'))).toBe(true);
  await shot(app, 'profile-activity');

  // Sessions: the two sign-ins; end one, then all.
  await profile.tab('sessions');
  await expect(app.getByTestId('sessions-table').locator('tbody tr')).toHaveCount(2);
  await expect(app.getByTestId('sessions-table')).toContainText('E2E-Browser/1.0');
  await app.getByTestId('session-end').first().click();
  await expect(app.getByTestId('sessions-table').locator('tbody tr')).toHaveCount(1);
  expect((await world.api.call('GET', `/api/v1/users/${id}/sessions`)).body.items).toHaveLength(1);
  await app.getByTestId('sessions-end-all').click();
  await expect(app.getByTestId('sessions-table')).toContainText('No active session.');
  expect((await world.api.call('GET', `/api/v1/users/${id}/sessions`)).body.items).toHaveLength(0);
  await shot(app, 'profile-sessions');

  // Form answers: the server has none for this user, and the tab says so.
  await profile.tab('forms');
  expect((await world.api.call('GET', `/api/v1/users/${id}/form-answers`)).body.items).toHaveLength(0);
  await expect(app.getByTestId('forms-empty')).toBeVisible();

  // Notes: the one written elsewhere cannot be edited here; ours can.
  await profile.tab('notes');
  await expect(app.getByTestId('note')).toHaveCount(1);
  await expect(app.getByTestId('note').first().getByTestId('note-edit')).toHaveCount(0);
  await app.getByTestId('note-draft').locator('textarea').first().fill('Prefers email.');
  await app.getByTestId('note-add').click();
  await expect(app.getByTestId('note')).toHaveCount(2);
  const ours = app.getByTestId('note').filter({ hasText: 'Prefers email.' });
  await ours.getByTestId('note-edit').click();
  await app.getByTestId('note-edit-text').locator('textarea').first().fill('Prefers email, never phone.');
  await app.getByTestId('note-edit-save').click();
  await expect(app.getByTestId('note-body').filter({ hasText: 'never phone' })).toBeVisible();
  const notes = (await world.api.call('GET', `/api/v1/users/${id}/notes`)).body.items.map((n: { body: string }) => n.body);
  expect(notes.sort()).toEqual(['Called about the invoice.', 'Prefers email, never phone.']);
  await shot(app, 'profile-notes');
  expect(pageErrors).toEqual([]);
});

test('security: invitation and password reset act on the server; the temporary password is shown once', async ({
  app,
  world,
}) => {
  const created = await world.api.call('POST', '/api/v1/users', {
    username: 'olga.security',
    email: 'olga.security@example.org',
    firstName: 'Olga',
    lastName: 'Security',
  });
  expect(created.status).toBe(201);
  const profile = new ProfilePage(app);
  await profile.open(created.body.id);
  await profile.tab('security');
  await expect(app.getByTestId('invitation-state')).toHaveAttribute('data-state', created.body.enrollment);
  await app.getByTestId('invite').click();
  await expect(app.getByTestId('invitation-state')).toHaveAttribute('data-state', 'sent');
  expect((await world.api.call('GET', `/api/v1/users/${created.body.id}`)).body.enrollment).toBe('sent');
  await expect(app.getByTestId('invite')).toHaveText(/Send the invitation again/);

  await app.getByTestId('reset-temporary').click();
  const shown = app.getByTestId('temporary-password');
  await expect(shown).toBeVisible();
  const password = (await shown.textContent())!.trim();
  expect(password.length).toBeGreaterThanOrEqual(8);
  await shot(app, 'profile-security');
  // It is the real one: the server asks to change it rather than refusing it.
  const login = await signIn(world, 'olga.security', password);
  expect(login.status).toBe(403);
  expect((await login.json()).code).toBe('passwordChangeRequired');
  await app.getByTestId('temporary-close').click();
  await expect(shown).toHaveCount(0);
  // Gone from the page once closed, and never written to the app's files.
  expect(await app.content()).not.toContain(password);
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const scan = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (name === 'local-directory') return [];
      return statSync(path).isDirectory() ? scan(path) : [path];
    });
  for (const file of scan(world.bridge.dataDir)) expect(readFileSync(file, 'latin1').includes(password), file).toBe(false);
});

test('impersonation opens its own window with the bar, and exit closes it', async ({ app, world, context }) => {
  const created = await world.api.call('POST', '/api/v1/users', {
    username: 'ivan.impersonated',
    email: 'ivan.impersonated@example.org',
    firstName: 'Ivan',
    lastName: 'Impersonated',
    password: 'Imper-Sonated-7',
    active: true,
  });
  expect(created.status).toBe(201);
  const profile = new ProfilePage(app);
  await profile.open(created.body.id);
  await profile.tab('security');
  await app.getByTestId('impersonate').click();
  await app.getByTestId('reason-input').locator('textarea').first().fill('Ticket 4711: cannot see course');
  const opening = context.waitForEvent('page');
  await app.getByTestId('reason-confirm').click();
  const portal = await opening;
  await portal.waitForLoadState();
  // The link is the bridge's one-time path, redirected to the portal: the page never held the token.
  expect(new URL(portal.url()).origin).toBe(new URL(world.api.url).origin);
  await portal.getByRole('button', { name: 'Continue' }).click();
  await expect(portal.getByRole('region', { name: 'You are impersonating Ivan Impersonated' })).toBeVisible();
  await portal.screenshot({ path: 'test-results/screenshots/impersonation-window.png' });
  const closed = portal.waitForEvent('close', { timeout: 20_000 });
  await portal.getByRole('button', { name: 'Exit' }).click();
  await closed;
  const log = (await world.api.call('GET', `/api/v1/users/${created.body.id}/activity?type=impersonation`)).body.items.map(
    (a: { action: string }) => a.action,
  );
  expect(log).toEqual(expect.arrayContaining(['impersonation.started', 'impersonation.requested']));
});

test('danger zone: delete is refused with the reason, anonymize needs the username typed', async ({ app, world }) => {
  const id = await userWithHistory(world, 'dana.danger', ['end_user']);
  const profile = new ProfilePage(app);
  await profile.open(id);
  await profile.tab('danger');
  // This user has activity: the policy keeps them, and the server says why.
  await app.getByTestId('danger-delete').click();
  await expect(app.getByTestId('delete-refused')).toContainText('has activity');
  expect((await world.api.call('GET', `/api/v1/users/${id}`)).body.deletedAt).toBeNull();
  await shot(app, 'profile-danger');

  await app.getByTestId('danger-anonymize').click();
  await expect(app.getByTestId('anonymize-confirm')).toBeDisabled();
  await app.getByTestId('anonymize-confirm-text').locator('input').fill('dana');
  await expect(app.getByTestId('anonymize-confirm')).toBeDisabled();
  await app.getByTestId('anonymize-confirm-text').locator('input').fill('dana.danger');
  await app.getByTestId('anonymize-confirm').click();
  await expect(app.getByTestId('danger-anonymized')).toBeVisible();
  const after = (await world.api.call('GET', `/api/v1/users/${id}`)).body;
  expect(after.anonymizedAt).not.toBeNull();
  expect(after.username).not.toBe('dana.danger');
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'anonymized');

  // A user without activity goes to the trash, and can come back from there.
  const fresh = await world.api.call('POST', '/api/v1/users', {
    username: 'tom.trash',
    email: 'tom.trash@example.org',
    firstName: 'Tom',
    lastName: 'Trash',
  });
  await profile.open(fresh.body.id);
  await profile.tab('danger');
  await app.getByTestId('danger-delete').click();
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'trash');
  expect((await world.api.call('GET', `/api/v1/users/${fresh.body.id}`)).body.deletedAt).not.toBeNull();
  await app.getByTestId('danger-restore').click();
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'active');
  expect((await world.api.call('GET', `/api/v1/users/${fresh.body.id}`)).body.deletedAt).toBeNull();
});

test('danger zone: delete with a fallback owner, who receives what the deleted user owned', async ({
  app,
  world,
  pageErrors,
}) => {
  const create = async (username: string, firstName: string, lastName: string) => {
    const created = await world.api.call('POST', '/api/v1/users', {
      username,
      email: `${username}@example.org`,
      firstName,
      lastName,
      active: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };
  // Fay has no activity (delete is allowed) but owns a group, which needs someone to go to.
  const fay = await create('fay.leaving', 'Fay', 'Leaving');
  const otto = await create('otto.heir', 'Otto', 'Heir');
  const group = await world.api.call('POST', '/api/v1/groups', { name: 'Fay’s reading circle' });
  expect(group.status).toBe(201);
  expect((await world.api.call('PUT', `/api/v1/groups/${group.body.id}/owner`, { userId: fay })).status).toBe(200);
  const ownerOf = async (groupName: string) => {
    const csv = await fetch(`${world.api.url}/api/v1/groups/export.csv`, {
      headers: { authorization: `Bearer ${world.api.token('administrator')}` },
    });
    expect(csv.status).toBe(200);
    const line = (await csv.text()).split(/\r?\n/).find((l) => l.includes(groupName))!;
    return line.split(',')[5];
  };
  expect(await ownerOf('Fay’s reading circle')).toBe('fay.leaving');

  const profile = new ProfilePage(app);
  await profile.open(fay);
  await profile.tab('danger');
  const picker = app.getByTestId('fallback-owner');
  await picker.locator('input').fill('otto.heir');
  const option = app.locator('.v-overlay--active .v-list-item').filter({ hasText: /^Otto Heir \(otto\.heir\)$/ });
  await option.click();
  await expect(picker).toContainText('Otto Heir (otto.heir)');
  await shot(app, 'profile-delete-fallback-owner');
  await app.getByTestId('danger-delete').click();
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'trash');

  // The server: Fay in the trash, her group now Otto's, and the handover in the log.
  expect((await world.api.call('GET', `/api/v1/users/${fay}`)).body.deletedAt).not.toBeNull();
  expect((await world.api.all({ status: 'trash', q: 'fay.leaving' })).map((u) => u.id)).toEqual([fay]);
  expect(await ownerOf('Fay’s reading circle')).toBe('otto.heir');
  const trashed = (await world.api.call('GET', `/api/v1/users/${fay}/activity?type=user.trashed`)).body.items;
  expect(trashed.map((a: { data: { fallbackOwnerId?: string } }) => a.data.fallbackOwnerId)).toEqual([otto]);
  expect((await world.api.call('GET', `/api/v1/users/${otto}`)).body.deletedAt).toBeNull();
  expect(pageErrors).toEqual([]);
});

test('danger zone: deactivate, then ban with a reason', async ({ app, world, pageErrors }) => {
  const created = await world.api.call('POST', '/api/v1/users', {
    username: 'bruno.banned',
    email: 'bruno.banned@example.org',
    firstName: 'Bruno',
    lastName: 'Banned',
    active: true,
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const profile = new ProfilePage(app);
  await profile.open(id);
  await profile.tab('danger');

  await app.getByTestId('danger-deactivate').click();
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'inactive');
  const inactive = (await world.api.call('GET', `/api/v1/users/${id}`)).body;
  expect([inactive.active, inactive.inactiveReason]).toEqual([false, 'manual']);
  // From inactive, the zone offers activate and ban, no longer deactivate.
  await expect(app.getByTestId('danger-deactivate')).toHaveCount(0);
  await expect(app.getByTestId('danger-activate')).toBeVisible();

  await app.getByTestId('danger-ban').click();
  // No ban without a reason.
  await app.getByTestId('reason-confirm').click();
  await expect(app.getByTestId('reason-input')).toContainText('Write at least one character.');
  expect((await world.api.call('GET', `/api/v1/users/${id}`)).body.inactiveReason).toBe('manual');
  await app.getByTestId('reason-input').locator('textarea').first().fill('Shared his account with a whole class');
  await app.getByTestId('reason-confirm').click();
  await expect(app.getByTestId('profile-status')).toHaveAttribute('data-state', 'banned');
  await expect(app.getByTestId('profile-status-note')).toHaveText('Shared his account with a whole class');
  await expect(app.getByTestId('reason-input')).toHaveCount(0);
  await shot(app, 'profile-banned');
  const banned = (await world.api.call('GET', `/api/v1/users/${id}`)).body;
  expect([banned.active, banned.inactiveReason, banned.statusNote]).toEqual([
    false,
    'banned',
    'Shared his account with a whole class',
  ]);
  // Banned: only activate is left.
  await expect(app.getByTestId('danger-ban')).toHaveCount(0);
  await expect(app.getByTestId('danger-activate')).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test('activity: the date range shows what the server has between those days', async ({ app, world, pageErrors }) => {
  const created = await world.api.call('POST', '/api/v1/users', {
    username: 'dora.dates',
    email: 'dora.dates@example.org',
    firstName: 'Dora',
    lastName: 'Dates',
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  // Visits reported by an application on known past days, beside today's creation.
  const events = [
    { at: '2024-03-10T09:00:00.000Z', name: '/courses/march' },
    { at: '2024-06-20T15:30:00.000Z', name: '/courses/june' },
    { at: '2024-06-30T23:00:00.000Z', name: '/courses/end-of-june' },
  ].map((e) => ({ userId: id, type: 'page', app: 'lms', ...e }));
  const posted = await world.api.call('POST', '/api/v1/events', { events });
  expect(posted.body.accepted).toBe(3);

  const profile = new ProfilePage(app);
  await profile.open(id);
  await profile.tab('activity');
  const shown = () =>
    app.getByTestId('activity-item').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.action));
  const server = async (range: string) =>
    ((await world.api.call('GET', `/api/v1/users/${id}/activity?pageSize=50${range}`)).body.items as { action: string }[]).map(
      (a) => a.action,
    );
  const everything = await server('');
  await expect(app.getByTestId('activity-item')).toHaveCount(everything.length);

  const from = app.getByTestId('activity-from').locator('input');
  const to = app.getByTestId('activity-to').locator('input');
  // June 2024, both ends included (the 30th until its last minute).
  await from.fill('2024-06-01');
  await to.fill('2024-06-30');
  const june = await server('&from=2024-06-01&to=2024-06-30');
  expect(june).toEqual(['access.page', 'access.page']);
  await expect(app.getByTestId('activity-item')).toHaveCount(june.length);
  expect(await shown()).toEqual(june);
  await expect(app.getByTestId('activity-timeline')).toContainText('/courses/june');
  await expect(app.getByTestId('activity-timeline')).toContainText('/courses/end-of-june');
  await expect(app.getByTestId('activity-timeline')).not.toContainText('/courses/march');
  await shot(app, 'profile-activity-range');

  // Only an end: everything up to March.
  await from.fill('');
  await to.fill('2024-03-31');
  await expect(app.getByTestId('activity-item')).toHaveCount(1);
  await expect(app.getByTestId('activity-timeline')).toContainText('/courses/march');
  expect(await shown()).toEqual(await server('&to=2024-03-31'));

  // A range with nothing in it says so.
  await from.fill('2023-01-01');
  await to.fill('2023-12-31');
  await expect(app.getByTestId('activity-empty')).toBeVisible();
  expect(await server('&from=2023-01-01&to=2023-12-31')).toEqual([]);

  // Cleared, the whole timeline again.
  await from.fill('');
  await to.fill('');
  await expect(app.getByTestId('activity-item')).toHaveCount(everything.length);
  expect(pageErrors).toEqual([]);
});
