import { describe, expect, it } from 'vitest';
import type { JobAction } from '../../../../common/api/lifecycle';
import { bulkActions, jobParams } from './bulk';

type Values = Parameters<typeof jobParams>[1];
const empty: Values = { reason: '', fallbackOwnerId: null, list: [], single: null, license: '', columns: [] };

/**
 * Per action: what the dialog collected, what the job is sent with; and, for what the action
 * requires, what it gets when that is missing (null: the preview button stays off).
 */
const cases: Record<
  Exclude<JobAction, 'purge' | 'revokeBadge'>,
  { filled: Partial<Values>; sends: Record<string, unknown>; missing?: Partial<Values>; whenMissing?: null | object }
> = {
  activate: { filled: {}, sends: {} },
  deactivate: { filled: {}, sends: {} },
  ban: {
    filled: { reason: '  Spam from this account  ' },
    sends: { reason: 'Spam from this account' },
    missing: { reason: '   ' },
    whenMissing: null,
  },
  delete: { filled: { fallbackOwnerId: 'u9' }, sends: { fallbackOwnerId: 'u9' }, missing: {}, whenMissing: {} },
  restore: { filled: {}, sends: {} },
  anonymize: { filled: {}, sends: { confirm: true } },
  addTags: { filled: { list: ['vip', 'beta'] }, sends: { tags: ['vip', 'beta'] }, missing: {}, whenMissing: null },
  removeTags: { filled: { list: ['vip'] }, sends: { tags: ['vip'] }, missing: {}, whenMissing: null },
  addGroups: { filled: { list: ['Team 01'] }, sends: { groups: ['Team 01'] }, missing: {}, whenMissing: null },
  removeGroups: {
    filled: { list: ['Team 01', 'Support'] },
    sends: { groups: ['Team 01', 'Support'] },
    missing: {},
    whenMissing: null,
  },
  addRoles: { filled: { list: ['auditor'] }, sends: { roles: ['auditor'] }, missing: {}, whenMissing: null },
  removeRoles: {
    filled: { list: ['auditor', 'end_user'] },
    sends: { roles: ['auditor', 'end_user'] },
    missing: {},
    whenMissing: null,
  },
  setLanguage: { filled: { single: 'fr' }, sends: { language: 'fr' }, missing: {}, whenMissing: null },
  grantBadge: { filled: { single: 'pioneer' }, sends: { badge: 'pioneer' }, missing: {}, whenMissing: null },
  invite: { filled: {}, sends: {} },
  resetPassword: { filled: {}, sends: {} },
  // The server's default licence when the field is left blank.
  assignLicense: { filled: { license: ' premium ' }, sends: { license: 'premium' }, missing: { license: '  ' }, whenMissing: {} },
  releaseLicense: { filled: {}, sends: {} },
  // No column chosen: every column.
  export: {
    filled: { columns: ['username', 'cf.level'] },
    sends: { columns: ['username', 'cf.level'] },
    missing: {},
    whenMissing: {},
  },
};

const defOf = (action: JobAction) => bulkActions.find((a) => a.action === action)!;

describe('jobParams', () => {
  it('has a case for every action of the bulk menu', () => {
    expect(bulkActions.map((a) => a.action).sort()).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))('%s: sends what the dialog collected', (action, { filled, sends }) => {
    expect(jobParams(defOf(action as JobAction), { ...empty, ...filled })).toEqual(sends);
  });

  it.each(Object.entries(cases).filter(([, c]) => c.missing))('%s: without its value', (action, { missing, whenMissing }) => {
    expect(jobParams(defOf(action as JobAction), { ...empty, ...missing })).toEqual(whenMissing);
  });

  it('sends only the parameter of its own kind, whatever else the dialog holds', () => {
    const everything: Values = {
      reason: 'why',
      fallbackOwnerId: 'u9',
      list: ['x'],
      single: 'fr',
      license: 'premium',
      columns: ['email'],
    };
    for (const [action, { sends }] of Object.entries(cases))
      expect(Object.keys(jobParams(defOf(action as JobAction), everything)!), action).toEqual(Object.keys(sends));
  });
});
