import { expect, type Locator, type Page } from '@playwright/test';

/** Page object of the users list: search, filters, table, pager, selection and bulk actions. */
export class UsersPage {
  constructor(readonly page: Page) {}

  async open(query = '') {
    const url = new URL(this.page.url());
    await this.page.goto(`${url.origin}${url.pathname}${url.search}#/users${query ? `?${query}` : ''}`);
    await this.waitForRows();
  }

  table(): Locator {
    return this.page.getByTestId('users-table');
  }

  rows(): Locator {
    return this.page.getByTestId('user-row');
  }

  /** Waits until the table shows the answer to the latest query (no loading bar). */
  async waitForRows() {
    await expect(this.table()).toBeVisible({ timeout: 20_000 });
    await expect(this.table()).toHaveAttribute('aria-busy', 'false', { timeout: 20_000 });
  }

  /** The usernames shown, in order. */
  async usernames(): Promise<string[]> {
    await this.waitForRows();
    return this.page.getByTestId('cell-username').allTextContents();
  }

  async ids(): Promise<string[]> {
    await this.waitForRows();
    return this.rows().evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id ?? ''));
  }

  range(): Locator {
    return this.page.getByTestId('pager-range');
  }

  async search(text: string) {
    await this.page.getByTestId('users-search').locator('input').fill(text);
  }

  async openFilters() {
    const panel = this.page.getByTestId('filters-panel');
    if (!(await panel.isVisible())) await this.page.getByTestId('filters-toggle').click();
    await expect(panel).toBeVisible();
  }

  /** Picks an option of a filter's select by its visible text. */
  async selectFilter(testId: string, option: string) {
    await this.openFilters();
    await this.page.getByTestId(testId).click();
    await this.page
      .locator('.v-overlay--active .v-list-item')
      .filter({ hasText: new RegExp(`^${escape(option)}$`) })
      .first()
      .click();
    await this.page.keyboard.press('Escape');
  }

  /** Types a range as a person does: one side, then tab to the other (each side commits on leaving). */
  async fillRange(testId: string, from: string, to: string) {
    await this.openFilters();
    for (const [side, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (!value) continue;
      const input = this.page.getByTestId(`${testId}-${side}`).locator('input');
      await input.fill(value);
      await input.press('Tab');
    }
  }

  chips(): Locator {
    return this.page.getByTestId('filter-chip');
  }

  async sortBy(column: string) {
    await this.table()
      .locator('th')
      .filter({ hasText: new RegExp(`^${escape(column)}`) })
      .click();
  }

  rowOf(username: string): Locator {
    return this.rows().filter({
      has: this.page.getByTestId('cell-username').filter({ hasText: new RegExp(`^${escape(username)}$`) }),
    });
  }

  async selectRow(index: number) {
    await this.rows().nth(index).locator('input[type=checkbox]').check();
  }

  async selectPage() {
    await this.table().locator('thead input[type=checkbox]').check();
  }

  async bulk(action: string) {
    await this.page.getByTestId('bulk-menu').click();
    await this.page.getByTestId(`bulk-${action}`).click();
    await expect(this.page.getByTestId('bulk-dialog').locator('.v-card')).toBeVisible();
  }

  bulkDialog(): Locator {
    return this.page.getByTestId('bulk-dialog').locator('.v-card').first();
  }

  jobsPanel(): Locator {
    return this.page.getByTestId('jobs-panel');
  }
}

/** The user form dialog (create and edit). */
export class UserForm {
  constructor(readonly page: Page) {}

  dialog(): Locator {
    return this.page.getByTestId('user-form-dialog').locator('.v-card').first();
  }

  field(name: string): Locator {
    return this.dialog().getByTestId(`field-${name}`).locator('input').first();
  }

  errorOf(name: string): Locator {
    return this.dialog().getByTestId(`field-${name}`).locator('.v-messages__message');
  }

  async fill(values: Record<string, string>) {
    for (const [name, value] of Object.entries(values)) await this.field(name).fill(value);
  }

  async submit() {
    await this.dialog().getByTestId('form-submit').click();
  }
}

/** The profile page and its tabs. */
export class ProfilePage {
  constructor(readonly page: Page) {}

  async open(id: string) {
    const url = new URL(this.page.url());
    await this.page.goto(`${url.origin}${url.pathname}${url.search}#/users/${id}`);
    await expect(this.page.getByTestId('profile-header')).toBeVisible({ timeout: 20_000 });
  }

  async tab(name: 'overview' | 'activity' | 'sessions' | 'forms' | 'notes' | 'security' | 'danger') {
    await this.page.getByTestId(`tab-${name}-button`).click();
    await expect(this.page.getByTestId(`tab-${name}`)).toBeVisible();
  }
}

export const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
