import { z } from 'zod';
import type { JobAction } from '../../common/api/lifecycle';
import { builtinFields } from '../../common/users/fields';
import { anonymizeOp } from './anonymize';
import { classify, done, type AnyBulkOp, type BulkOp } from './ops';
import {
  addGroupsOp,
  addRolesOp,
  addTagsOp,
  grantBadgeOp,
  removeGroupsOp,
  removeRolesOp,
  removeTagsOp,
  revokeBadgeOp,
  setLanguageOp,
} from './relation-ops';
import { activateOp, assignLicenseOp, banOp, deactivateOp, releaseLicenseOp } from './status';
import { deleteOp, purgeOp, restoreOp } from './trash';
import { inviteOp, resetPasswordOp } from './welcome';

/** The columns an export may hold: the exportable user fields, a few read-only ones, and `cf.<key>`. */
export const exportColumns = [
  'id',
  ...builtinFields.filter((f) => f.exportable).map((f) => f.key),
  'enrollment',
  'createdAt',
  'lastLoginAt',
  'loginCount',
  'deletedAt',
] as const;

/** An export selects users; the file is written from the job's results (`GET /api/v1/jobs/:id/export.csv`). */
export const exportOp: BulkOp<{ columns?: string[] }> = {
  action: 'export',
  permission: 'users.read',
  params: z
    .object({
      columns: z
        .array(
          z
            .string()
            .refine(
              (c) => (exportColumns as readonly string[]).includes(c) || /^cf\.[a-z][a-z0-9_]{0,62}$/.test(c),
              'not an export column',
            ),
        )
        .min(1)
        .max(200)
        .optional(),
    })
    .strict(),
  trash: true,
  async plan(env, ids) {
    return (await classify(env, ids, { trash: true }, () => done)).outcomes;
  },
  async apply() {},
};

/** Every bulk action of DESIGN.md §3 and issue 7 by name; single-user routes use the same operations. */
export const bulkOps: Record<JobAction, AnyBulkOp> = {
  activate: activateOp,
  deactivate: deactivateOp,
  ban: banOp,
  delete: deleteOp,
  restore: restoreOp,
  purge: purgeOp,
  anonymize: anonymizeOp,
  addTags: addTagsOp,
  removeTags: removeTagsOp,
  addGroups: addGroupsOp,
  removeGroups: removeGroupsOp,
  addRoles: addRolesOp,
  removeRoles: removeRolesOp,
  setLanguage: setLanguageOp,
  grantBadge: grantBadgeOp,
  revokeBadge: revokeBadgeOp,
  invite: inviteOp,
  resetPassword: resetPasswordOp,
  assignLicense: assignLicenseOp,
  releaseLicense: releaseLicenseOp,
  export: exportOp,
};
