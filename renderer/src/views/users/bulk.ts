/**
 * The bulk actions the users list offers (DESIGN.md §3), grouped for the menu, with what each needs
 * from the backend and from the signed-in role.
 */
import type { JobAction } from '../../../../common/api/lifecycle';
import type { ConnectionFeature } from '../../../../common/connections';
import { jobActionPermissions } from '../../../../common/users/directory';

export interface BulkActionDef {
  action: JobAction;
  group: 'status' | 'lifecycle' | 'tags' | 'groups' | 'roles' | 'profile' | 'access' | 'license' | 'export';
  feature: ConnectionFeature | null;
  /** What the dialog asks before the preview. */
  params: 'none' | 'reason' | 'fallbackOwner' | 'tags' | 'groups' | 'roles' | 'language' | 'badge' | 'license' | 'columns';
}

export const bulkActions: BulkActionDef[] = [
  { action: 'activate', group: 'status', feature: null, params: 'none' },
  { action: 'deactivate', group: 'status', feature: null, params: 'none' },
  { action: 'ban', group: 'status', feature: null, params: 'reason' },
  { action: 'delete', group: 'lifecycle', feature: 'trash', params: 'fallbackOwner' },
  { action: 'restore', group: 'lifecycle', feature: 'trash', params: 'none' },
  { action: 'anonymize', group: 'lifecycle', feature: null, params: 'none' },
  { action: 'addTags', group: 'tags', feature: 'tags', params: 'tags' },
  { action: 'removeTags', group: 'tags', feature: 'tags', params: 'tags' },
  { action: 'addGroups', group: 'groups', feature: 'groups', params: 'groups' },
  { action: 'removeGroups', group: 'groups', feature: 'groups', params: 'groups' },
  { action: 'addRoles', group: 'roles', feature: 'roles', params: 'roles' },
  { action: 'removeRoles', group: 'roles', feature: 'roles', params: 'roles' },
  { action: 'setLanguage', group: 'profile', feature: null, params: 'language' },
  { action: 'grantBadge', group: 'profile', feature: 'badges', params: 'badge' },
  { action: 'invite', group: 'access', feature: null, params: 'none' },
  { action: 'resetPassword', group: 'access', feature: null, params: 'none' },
  { action: 'assignLicense', group: 'license', feature: 'licenses', params: 'license' },
  { action: 'releaseLicense', group: 'license', feature: 'licenses', params: 'none' },
  { action: 'export', group: 'export', feature: null, params: 'columns' },
];

export const bulkGroups = ['status', 'lifecycle', 'tags', 'groups', 'roles', 'profile', 'access', 'license', 'export'] as const;

/** The permissions a bulk action needs: running jobs, plus the action's own. */
export const permissionsOf = (action: JobAction): string[] => ['jobs.run', jobActionPermissions[action]];

/** The columns an export can hold (the server's export columns), custom fields added by the caller. */
export const exportColumns = [
  'id',
  'username',
  'email',
  'firstName',
  'lastName',
  'maternalSurname',
  'displayName',
  'officialCode',
  'phone',
  'language',
  'external',
  'active',
  'emailVerified',
  'expiresAt',
  'roles',
  'groups',
  'tags',
  'license',
  'enrollment',
  'createdAt',
  'lastLoginAt',
  'loginCount',
] as const;

/** The parameters of a job from what the dialog collected; null when something required is missing. */
export function jobParams(
  def: BulkActionDef,
  values: {
    reason: string;
    fallbackOwnerId: string | null;
    list: string[];
    single: string | null;
    license: string;
    columns: string[];
  },
): Record<string, string | string[] | true> | null {
  switch (def.params) {
    case 'none':
      return def.action === 'anonymize' ? { confirm: true } : {};
    case 'reason':
      return values.reason.trim() ? { reason: values.reason.trim() } : null;
    case 'fallbackOwner':
      return values.fallbackOwnerId ? { fallbackOwnerId: values.fallbackOwnerId } : {};
    case 'tags':
    case 'groups':
    case 'roles':
      return values.list.length ? { [def.params]: values.list } : null;
    case 'language':
      return values.single ? { language: values.single } : null;
    case 'badge':
      return values.single ? { badge: values.single } : null;
    case 'license':
      return values.license.trim() ? { license: values.license.trim() } : {};
    case 'columns':
      return values.columns.length ? { columns: values.columns } : {};
  }
}
