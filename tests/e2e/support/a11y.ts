import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** What the accessibility checks hold us to: WCAG 2.1 A and AA, plus axe's best practices. */
const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** A violation we cannot fix in our code: one rule, on the elements a selector matches, and why. */
export interface Allowance {
  rule: string;
  selector: string;
  why: string;
}

/**
 * Vuetify's menus of a multiple select, autocomplete or combobox: each option (role="option") holds
 * a checkbox whose input has tabindex="-1" (nested-interactive), and the listbox itself has
 * tabindex="-1" while the keyboard moves through it from the field (scrollable-region-focusable).
 * Both are rendered by Vuetify and cannot be changed from our templates; the options are still
 * announced with aria-selected, and the arrow keys reach every one.
 */
export const vuetifyMultiSelectMenu: Allowance[] = [
  {
    rule: 'nested-interactive',
    selector: '.v-overlay--active .v-list[role="listbox"] [role="option"]',
    why: 'Vuetify renders a checkbox inside each option of a multiple select',
  },
  {
    rule: 'scrollable-region-focusable',
    selector: '.v-overlay--active .v-list[role="listbox"]',
    why: 'Vuetify keeps the listbox out of the tab order; the field moves through it',
  },
];

/**
 * Runs axe-core over the page as it is (or the part `include` selects, e.g. an open dialog rather
 * than the page dimmed behind it) and fails on critical and serious violations, listing each rule
 * with the elements it found. `allow` lets exact rule/selector pairs through, each with its reason.
 */
export async function expectAccessible(page: Page, what: string, options: { include?: string; allow?: Allowance[] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(tags);
  if (options.include) builder = builder.include(options.include);
  const results = await builder.analyze();
  const allow = options.allow ?? [];
  const report: string[] = [];
  for (const violation of results.violations) {
    if (violation.impact !== 'critical' && violation.impact !== 'serious') continue;
    const allowed = allow.filter((a) => a.rule === violation.id).map((a) => a.selector);
    const nodes = [];
    for (const node of violation.nodes) {
      const target = String(node.target[0]);
      const excused =
        allowed.length > 0 &&
        (await page.evaluate(
          ([selector, patterns]) => {
            const element = document.querySelector(selector);
            return !!element && patterns.some((p) => element.matches(p));
          },
          [target, allowed] as const,
        ));
      if (!excused) nodes.push(node);
    }
    if (!nodes.length) continue;
    report.push(
      `${violation.id} (${violation.impact}): ${violation.help}\n${nodes
        .slice(0, 8)
        .map(
          (n) =>
            `    ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n      ${n.failureSummary?.replace(/\n/g, '\n      ')}`,
        )
        .join('\n')}`,
    );
  }
  // Soft: one screen's violations do not hide the next screen's.
  expect.soft(report, `${what}: accessibility violations`).toEqual([]);
}
