/**
 * The bulk dialog's job parameters (renderer/src/views/users/bulk.ts) against the server's own
 * parameter schemas (server/lifecycle/registry.ts): whatever the dialog lets the admin send, the
 * server accepts, for every action of the bulk menu.
 */
import { describe, expect, it } from 'vitest';
import { bulkActions, jobParams } from '../../renderer/src/views/users/bulk';
import { bulkOps } from '../../server/lifecycle/registry';

const filled = {
  reason: 'Spam',
  fallbackOwnerId: 'u9',
  list: ['vip'],
  single: 'fr',
  license: 'premium',
  columns: ['username', 'cf.level'],
};
const blank = { reason: '', fallbackOwnerId: null, list: [], single: null, license: '', columns: [] };

describe('bulk job parameters', () => {
  it.each(bulkActions.map((def) => [def.action, def] as const))('%s: the server accepts what the dialog sends', (_, def) => {
    const params = jobParams(def, filled);
    expect(bulkOps[def.action].params.safeParse(params).success).toBe(true);
    // Left blank, the dialog either sends nothing (the preview stays off) or what the server accepts.
    const withoutValues = jobParams(def, blank);
    if (withoutValues !== null) expect(bulkOps[def.action].params.safeParse(withoutValues).success).toBe(true);
  });

  it('the server refuses what the dialog holds back', () => {
    for (const def of bulkActions) {
      if (jobParams(def, blank) !== null) continue;
      expect(bulkOps[def.action].params.safeParse({}).success, def.action).toBe(false);
    }
  });
});
