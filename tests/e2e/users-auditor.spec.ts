/**
 * An Auditor reads everything and changes nothing: signed in to the Local directory with an Auditor
 * API token, every write control of the users list, profile, bulk menu and trash is disabled with
 * the reason, while the data still shows.
 */
import { expect, test } from './support/local-directory';
import { ProfilePage, shot, UsersPage } from './support/users-page';

test('an Auditor sees every write control disabled, with the reason', async ({ app, world, pageErrors }) => {
  const token = world.api.token('auditor');
  // Something in the trash, so that its buttons are there to be checked.
  const binned = await world.api.call('POST', '/api/v1/users', {
    username: 'audit.binned',
    email: 'audit.binned@example.org',
    firstName: 'Audit',
    lastName: 'Binned',
  });
  expect((await world.api.call('DELETE', `/api/v1/users/${binned.body.id}`)).status).toBe(204);
  const created = await world.bridge.invoke<{ id: string }>('connections/create', {
    name: 'Local as auditor',
    color: '#43A047',
    baseUrl: world.api.url,
    auth: { method: 'token' },
    secret: token,
    proxy: { mode: 'none' },
  });
  expect(created.ok).toBe(true);
  const id = (created as { value: { id: string } }).value.id;
  expect((await world.bridge.invoke('connections/activate', { id })).ok).toBe(true);
  // Whatever happens below, the next tests find the Local directory active again.
  try {
    await asAuditor();
  } finally {
    await world.bridge.invoke('connections/activate', { id: 'local' });
  }

  async function asAuditor() {
    await app.reload();

    const users = new UsersPage(app);
    await users.open();
    const first = (await world.api.call('GET', '/api/v1/users?pageSize=30')).body.items.map((u: { id: string }) => u.id);
    await expect.poll(() => users.ids()).toEqual(first);
    await expect(app.getByTestId('user-create')).toBeDisabled();

    // Inline status: the menu explains why nothing can be chosen.
    await users.rows().first().getByTestId('status-chip').click();
    const statusItems = app.getByTestId('status-menu').locator('.v-list-item');
    await expect(statusItems.first()).toBeVisible();
    for (const item of await statusItems.all()) {
      await expect(item).toHaveClass(/v-list-item--disabled/);
      await expect(item).toContainText('it needs the “users.update” permission');
    }
    await app.keyboard.press('Escape');

    // Every bulk action is disabled with its reason.
    await users.selectRow(0);
    await app.getByTestId('bulk-menu').click();
    const bulkItems = app.getByTestId('bulk-menu-list').locator('.v-list-item');
    expect(await bulkItems.count()).toBeGreaterThan(15);
    for (const item of await bulkItems.all()) {
      await expect(item).toHaveClass(/v-list-item--disabled/);
      await expect(item).toContainText(/permission|does not offer/);
    }
    await shot(app, 'users-auditor-bulk');
    await app.keyboard.press('Escape');

    // The profile: readable, every change disabled.
    const profile = new ProfilePage(app);
    await profile.open(first[0]);
    await expect(app.getByTestId('profile-edit')).toBeDisabled();
    for (const quick of await app.getByTestId('quick-actions').locator('button').all()) await expect(quick).toBeDisabled();
    await profile.tab('notes');
    await expect(app.getByTestId('note-add')).toBeDisabled();
    await profile.tab('sessions');
    await expect(app.getByTestId('sessions-end-all')).toBeDisabled();
    await profile.tab('security');
    for (const name of ['reset-email', 'reset-temporary', 'invite', 'impersonate'])
      await expect(app.getByTestId(name)).toBeDisabled();
    await profile.tab('danger');
    const dangerButtons = await app.getByTestId('tab-danger').locator('button').all();
    expect(dangerButtons.length).toBeGreaterThanOrEqual(3);
    for (const button of dangerButtons) await expect(button).toBeDisabled();
    await shot(app, 'profile-auditor');

    // The trash: restore and purge disabled.
    await app.getByTestId('nav-trash').click();
    await expect(app.getByTestId('trash-restore').first()).toBeVisible();
    for (const button of await app.getByTestId('trash-restore').all()) await expect(button).toBeDisabled();
    for (const button of await app.getByTestId('trash-purge').all()) await expect(button).toBeDisabled();

    // The server agrees: the same token is refused a write.
    const refused = await world.api.call('PATCH', `/api/v1/users/${first[0]}`, { phone: '+1 555 0199' }, token);
    expect(refused.status).toBe(403);
    expect(pageErrors).toEqual([]);
  }
});
