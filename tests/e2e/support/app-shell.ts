import { expect, type Page } from '@playwright/test';

export const drawerEntries = ['dashboard', 'users', 'groups', 'roles', 'files', 'settings', 'connections'] as const;
export type DrawerEntry = (typeof drawerEntries)[number];

/** Page object of the application shell: drawer, top bar menus, snackbar. */
export class AppShell {
  constructor(readonly page: Page) {}

  async navigate(entry: DrawerEntry) {
    await this.page.getByTestId(`nav-${entry}`).click();
    await expect(this.page).toHaveURL(new RegExp(`#/${entry}`));
  }

  viewTitle() {
    return this.page.getByTestId('view-title');
  }

  async chooseLanguage(code: 'en' | 'es' | 'fr' | 'system') {
    await this.page.getByTestId('language-menu').click();
    await this.page.getByTestId(`language-${code}`).click();
  }

  async chooseTheme(mode: 'light' | 'dark' | 'system') {
    await this.page.getByTestId('theme-menu').click();
    await this.page.getByTestId(`theme-${mode}`).click();
  }

  /** The theme class Vuetify puts on the application root. */
  async themeName(): Promise<string | undefined> {
    const classes = (await this.page.locator('.v-application').getAttribute('class')) ?? '';
    return /v-theme--(\w+)/.exec(classes)?.[1];
  }

  notice() {
    return this.page.getByTestId('notice');
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
  }
}
