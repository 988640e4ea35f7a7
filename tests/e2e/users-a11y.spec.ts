/**
 * Accessibility of the users screens, checked by axe-core in the real browser against the seeded
 * Local directory: the list (with its filters and a selection), the user form (with its errors), a
 * profile (every tab) and the trash, in the light and the dark theme. Critical and serious
 * violations fail the test.
 */
import { expectAccessible, vuetifyMultiSelectMenu } from './support/a11y';
import { expect, test, type UsersWorld } from './support/local-directory';
import { ProfilePage, UserForm, UsersPage } from './support/users-page';

async function profileUser(world: UsersWorld) {
  const created = await world.api.call('POST', '/api/v1/users', {
    username: 'alma.access',
    email: 'alma.access@example.org',
    firstName: 'Alma',
    lastName: 'Access',
    password: 'Access-Pass-42',
    roles: ['auditor'],
    groups: ['Support'],
    tags: ['vip'],
    customFields: { department: 'Legal' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  const login = await fetch(`${world.api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alma.access', password: 'Access-Pass-42' }),
  });
  expect(login.status).toBe(200);
  expect((await world.api.call('POST', `/api/v1/users/${id}/notes`, { body: 'Asked for a larger font.' })).status).toBe(201);
  return id;
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test.beforeEach(async ({ app, world }) => {
      await world.bridge.invoke('settings/update', { theme });
      await app.reload();
      await expect(app.getByTestId('nav-drawer')).toBeVisible();
    });

    test('the users list, its filters and a selection', async ({ app }) => {
      test.setTimeout(120_000);
      const users = new UsersPage(app);
      await users.open();
      await expectAccessible(app, 'users list');
      await users.openFilters();
      await users.selectRow(0);
      await expect(app.getByTestId('bulk-bar')).toBeVisible();
      await expectAccessible(app, 'users list with filters and a selection');
      await app.getByTestId('bulk-menu').click();
      await expect(app.getByTestId('bulk-menu-list')).toBeVisible();
      await expectAccessible(app, 'bulk menu');
      await app.getByTestId('bulk-addTags').click();
      await expect(new UsersPage(app).bulkDialog().getByTestId('bulk-list')).toBeVisible();
      // The dialog and the tag suggestions it opens, not the page dimmed behind them.
      await expectAccessible(app, 'bulk action dialog', { include: '.v-overlay--active', allow: vuetifyMultiSelectMenu });
      // The suggestions cover the dialog's buttons; a click beside them puts them away.
      await new UsersPage(app).bulkDialog().locator('.v-card-title').click();
      await app.getByTestId('bulk-cancel').click();
      await expect(app.getByTestId('bulk-list')).toHaveCount(0);
    });

    test('the user form, empty and with its errors', async ({ app }) => {
      const users = new UsersPage(app);
      await users.open();
      await app.getByTestId('user-create').click();
      const form = new UserForm(app);
      await expect(form.dialog()).toBeVisible();
      await expectAccessible(app, 'user form', { include: '.v-overlay--active' });
      await form.fill({ email: 'not-an-email' });
      await form.submit();
      await expect(form.errorOf('email')).toBeVisible();
      await expectAccessible(app, 'user form with errors', { include: '.v-overlay--active' });
    });

    test('a profile, tab by tab', async ({ app, world }) => {
      const id = (await world.api.all({ q: 'alma.access' }))[0]?.id ?? (await profileUser(world));
      const profile = new ProfilePage(app);
      await profile.open(id);
      await expectAccessible(app, 'profile overview');
      for (const tab of ['activity', 'sessions', 'forms', 'notes', 'security', 'danger'] as const) {
        await profile.tab(tab);
        await expectAccessible(app, `profile ${tab} tab`);
      }
    });

    test('the trash', async ({ app, world }) => {
      // Not "trash.": the trash test of the same worker counts those.
      const username = `binned.a11y-${theme}`;
      const created = await world.api.call('POST', '/api/v1/users', {
        username,
        email: `${username}@example.org`,
        firstName: 'Trash',
        lastName: 'Access',
      });
      expect((await world.api.call('DELETE', `/api/v1/users/${created.body.id}`)).status).toBe(204);
      await app.getByTestId('nav-trash').click();
      await expect(app.getByTestId('trash-row').first()).toBeVisible();
      await expectAccessible(app, 'trash');
    });
  });
}
