import { permissions, readPermissions, type Permission } from './permissions';

export interface BuiltinRole {
  key: string;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const userAdmin: Permission[] = [
  'users.read',
  'users.create',
  'users.update',
  'users.delete',
  'users.credentials',
  'users.import',
  'groups.read',
  'groups.write',
  'groups.delete',
  'roles.read',
  'tags.read',
  'tags.write',
  'customFields.read',
  'segments.read',
  'segments.write',
  'activity.read',
  'notes.read',
  'notes.write',
  'sessions.read',
  'sessions.revoke',
  'jobs.read',
  'jobs.run',
  'trash.read',
  'languages.read',
];
const content: Permission[] = ['content.read', 'content.write', 'forms.read', 'badges.read', 'languages.read'];
const campaign: Permission[] = [
  'campaigns.read',
  'campaigns.write',
  'users.read',
  'groups.read',
  'tags.read',
  'segments.read',
  'customFields.read',
  'stats.read',
];

/** The built-in roles of DESIGN.md §5; their permission sets are fixed (custom roles are editable). */
export const builtinRoles: readonly BuiltinRole[] = [
  {
    key: 'administrator',
    name: 'Administrator',
    description: 'Everything, including impersonation, deletion and anonymisation.',
    permissions,
  },
  {
    key: 'configuration_admin',
    name: 'Configuration Admin',
    description: 'Settings, policies, custom fields, forms, badges, languages and roles.',
    permissions: [
      'settings.read',
      'settings.write',
      'customFields.read',
      'customFields.write',
      'forms.read',
      'forms.write',
      'badges.read',
      'badges.write',
      'languages.read',
      'languages.write',
      'roles.read',
      'roles.write',
      'tags.read',
      'tags.write',
      'tokens.read',
      'tokens.write',
      'stats.read',
    ],
  },
  {
    key: 'user_group_admin',
    name: 'User and Group Admin',
    description: 'Users, groups, tags and segments; no impersonation or anonymisation.',
    permissions: userAdmin,
  },
  { key: 'campaign_admin', name: 'Campaign Admin', description: 'Campaigns and their audiences.', permissions: campaign },
  { key: 'content_admin', name: 'Content Admin', description: 'Content, forms and badges.', permissions: content },
  {
    key: 'implementer',
    name: 'Implementer',
    description: 'Sets a directory up: imports users, fields, groups and tags.',
    permissions: [
      'users.read',
      'users.create',
      'users.update',
      'users.import',
      'groups.read',
      'groups.write',
      'tags.read',
      'tags.write',
      'customFields.read',
      'customFields.write',
      'roles.read',
      'settings.read',
      'languages.read',
      'jobs.read',
      'jobs.run',
      'outbox.read',
    ],
  },
  { key: 'auditor', name: 'Auditor', description: 'Reads everything, changes nothing.', permissions: readPermissions },
  {
    key: 'awareness_plan_admin',
    name: 'Awareness Plan Admin',
    description: 'Content and campaigns.',
    permissions: [...new Set([...content, ...campaign])],
  },
  { key: 'end_user', name: 'End User', description: 'No administration access.', permissions: [] },
];

export const builtinRoleKeys = builtinRoles.map((r) => r.key);
