import { join } from 'node:path';
import { AppShell, drawerEntries } from './support/app-shell';
import { expect, test } from './support/fixtures';
import { projectRoot } from '../helpers/bridge-process';

const titles = {
  en: {
    dashboard: 'Dashboard',
    users: 'Users',
    groups: 'Groups',
    roles: 'Roles',
    files: 'Files',
    settings: 'Settings',
    connections: 'Connections',
  },
};

test('the app loads through the bridge with no errors or CSP violations', async ({ app, pageErrors }) => {
  const shell = new AppShell(app);
  await expect(shell.viewTitle()).toHaveText('Dashboard');
  await expect(app.getByTestId('empty-state')).toContainText('No directory connected yet');
  await shell.screenshot('dashboard');
  expect(pageErrors).toEqual([]);
});

test('every drawer entry navigates to its view', async ({ app, pageErrors }) => {
  const shell = new AppShell(app);
  for (const entry of drawerEntries) {
    await shell.navigate(entry);
    await expect(shell.viewTitle()).toHaveText(titles.en[entry]);
    await expect(app.getByTestId('page-title')).toContainText(titles.en[entry]);
    await shell.screenshot(entry);
  }
  expect(pageErrors).toEqual([]);
});

test('switching the language changes the visible text and survives a reload', async ({ app }) => {
  const shell = new AppShell(app);
  await shell.chooseLanguage('es');
  await expect(app.getByTestId('nav-users')).toContainText('Usuarios');
  await expect(shell.viewTitle()).toHaveText('Panel');
  await expect(app.locator('html')).toHaveAttribute('lang', 'es');
  await shell.screenshot('dashboard-es');

  await shell.chooseLanguage('fr');
  await expect(app.getByTestId('nav-settings')).toContainText('Paramètres');
  await app.reload();
  await expect(app.getByTestId('nav-settings')).toContainText('Paramètres');

  await shell.chooseLanguage('en');
  await expect(app.getByTestId('nav-settings')).toContainText('Settings');
});

test('the theme follows the system and can be forced light or dark', async ({ app }) => {
  const shell = new AppShell(app);
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => shell.themeName()).toBe('dark');
  await app.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => shell.themeName()).toBe('light');

  await shell.chooseTheme('dark');
  await expect.poll(() => shell.themeName()).toBe('dark');
  await shell.screenshot('dashboard-dark');
  await app.reload();
  await expect.poll(() => shell.themeName()).toBe('dark');

  await shell.navigate('settings');
  await app.getByTestId('settings-theme').getByLabel('Light').check();
  await expect.poll(() => shell.themeName()).toBe('light');
  await shell.chooseTheme('system');
  await expect.poll(() => shell.themeName()).toBe('light');
});

test('the renderer has no Node access and window.userdeck is read-only', async ({ app }) => {
  const probe = await app.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    let replaced = false;
    try {
      w.userdeck = {};
      replaced = w.userdeck !== window.userdeck || Object.keys(w.userdeck as object).length === 0;
    } catch {
      replaced = false;
    }
    return {
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      buffer: typeof w.Buffer,
      global: typeof w.global,
      domains: Object.keys(window.userdeck).sort(),
      frozen: Object.isFrozen(window.userdeck),
      replaced,
    };
  });
  expect(probe).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    buffer: 'undefined',
    global: 'undefined',
    domains: ['api', 'app', 'connections', 'dialogs', 'jobs', 'local', 'mailbox', 'on', 'settings', 'trash', 'users'],
    frozen: true,
    replaced: false,
  });
});

test('a call with invalid input is refused with a typed error', async ({ app }) => {
  const result = await app.evaluate(() =>
    (window.userdeck.settings.update as (input: unknown) => Promise<unknown>)({ theme: 'purple', extra: 1 }),
  );
  expect(result).toMatchObject({
    ok: false,
    error: { code: 'invalidInput', key: 'errors.invalidInput', issues: expect.any(Array) },
  });
  const issues = (result as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path).sort();
  expect(issues).toEqual(['', 'theme']);
  // And nothing changed.
  const prefs = await app.evaluate(() => window.userdeck.settings.get());
  expect(prefs).toMatchObject({ ok: true, value: { theme: 'system' } });
});

test('the bridge refuses calls without its token or from another origin', async ({ bridge }) => {
  const noToken = await fetch(`${bridge.origin}/__userdeck/invoke/app%2Finfo`, { method: 'POST', body: '{}' });
  expect(noToken.status).toBe(401);
  const foreign = await fetch(`${bridge.origin}/__userdeck/invoke/app%2Finfo`, {
    method: 'POST',
    headers: { origin: 'https://evil.example', 'x-userdeck-token': bridge.token },
    body: '{}',
  });
  expect(foreign.status).toBe(403);
});

test('the open dialog is answered by the test stub and errors reach the snackbar', async ({ app, bridge }) => {
  const shell = new AppShell(app);
  await shell.navigate('files');
  const fixture = join(projectRoot, '..', 'shared', 'fixtures', 'imports', 'moodle-users.csv');
  await bridge.queueDialogs({ open: [fixture] });
  await app.getByTestId('open-file').click();
  await expect(app.getByTestId('picked-file')).toContainText('moodle-users.csv');

  await bridge.queueDialogs({ open: ['/nonexistent/people.csv'] });
  await app.getByTestId('open-file').click();
  await expect(shell.notice()).toContainText('The file people.csv cannot be read.');
  await shell.screenshot('files-error');
  await app.getByTestId('notice-close').click();
  await expect(shell.notice()).toBeHidden();

  const { requests } = await bridge.queueDialogs({});
  expect(requests.filter((r) => r.type === 'open')).toHaveLength(2);
});
