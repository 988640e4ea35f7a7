import { expect, type Locator, type Page } from '@playwright/test';

export interface ConnectionForm {
  name?: string;
  url?: string;
  method?: 'password' | 'token' | 'oauth2';
  username?: string;
  secret?: string;
  color?: string;
}

/** Page object of the Connections view and its add/edit dialog. */
export class ConnectionsPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.getByTestId('nav-connections').click();
    await expect(this.page.getByTestId('connection-list')).toBeVisible();
  }

  item(name: string | 'local'): Locator {
    return this.page.getByTestId(`connection-${name}`);
  }

  dialog(): Locator {
    return this.page.getByTestId('connection-dialog').locator('.v-card').first();
  }

  field(name: string): Locator {
    return this.dialog().getByTestId(name).locator('input');
  }

  async startAdding() {
    await this.page.getByTestId('add-connection').click();
    await expect(this.dialog()).toBeVisible();
  }

  async fill(form: ConnectionForm) {
    if (form.name !== undefined) await this.field('conn-name').fill(form.name);
    if (form.color)
      await this.dialog()
        .getByTestId(`conn-color-${form.color.replace('#', '')}`)
        .click();
    if (form.url !== undefined) await this.field('conn-url').fill(form.url);
    if (form.method) await this.dialog().getByTestId(`conn-method-${form.method}`).locator('input').check();
    if (form.username !== undefined) await this.field('conn-username').fill(form.username);
    if (form.secret !== undefined) await this.field('conn-secret').fill(form.secret);
  }

  /** Opens the "Security · Proxy" section of the dialog (CA file, trusted certificate, proxy). */
  async openAdvanced() {
    const panel = this.dialog().getByTestId('conn-advanced');
    if (!(await panel.getAttribute('class'))?.includes('v-expansion-panel--active'))
      await panel.locator('button').first().click();
    await expect(this.dialog().getByTestId('conn-ca-pick')).toBeVisible();
  }

  errorOf(testId: string): Locator {
    return this.dialog().getByTestId(testId).locator('.v-messages__message');
  }

  testResult(): Locator {
    return this.dialog().getByTestId('conn-test-result');
  }

  async runTest() {
    await this.dialog().getByTestId('conn-test').click();
    await expect(this.testResult()).not.toHaveAttribute('data-state', /running|idle/, { timeout: 20_000 });
  }

  async save() {
    await this.dialog().getByTestId('conn-save').click();
    await expect(this.page.getByTestId('connection-dialog').locator('.v-card')).toHaveCount(0);
  }

  async add(form: ConnectionForm) {
    await this.startAdding();
    await this.fill(form);
    await this.save();
    await expect(this.item(form.name!)).toBeVisible();
  }

  async connect(name: string | 'local') {
    await this.item(name).getByTestId('connection-connect').click();
  }

  async menuAction(name: string, action: 'test' | 'edit' | 'duplicate' | 'delete') {
    await this.item(name).getByTestId('connection-menu').click();
    await this.page.getByTestId(`connection-${action}`).click();
  }
}

/** The connection switcher in the app bar. */
export class ConnectionSwitcher {
  constructor(readonly page: Page) {}

  button(): Locator {
    return this.page.getByTestId('connection-switcher');
  }

  async current(): Promise<string> {
    return (await this.button().getByTestId('connection-switcher-name').textContent())?.trim() ?? '';
  }

  async choose(name: string | 'local') {
    await this.button().click();
    await this.page.getByTestId(`switch-to-${name}`).click();
  }
}
