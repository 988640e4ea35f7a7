import { test as base, expect, type Page } from '@playwright/test';
import { startBridgeProcess, type BridgeProcess } from '../../helpers/bridge-process';

interface Fixtures {
  /** The app page, loaded through the bridge, with console errors and CSP violations collected. */
  app: Page;
  pageErrors: string[];
}

export const test = base.extend<Fixtures, { bridge: BridgeProcess }>({
  bridge: [
    async ({}, use) => {
      const bridge = await startBridgeProcess();
      // These tests are about the shell, not the first-run screen (tests/e2e/connections.spec.ts is).
      await bridge.invoke('connections/dismissWelcome');
      await use(bridge);
      await bridge.stop();
    },
    { scope: 'worker' },
  ],
  pageErrors: async ({}, use) => {
    await use([]);
  },
  app: async ({ page, bridge, pageErrors }, use) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(bridge.url);
    await expect(page.getByTestId('nav-drawer')).toBeVisible();
    await use(page);
  },
});

export { expect };
