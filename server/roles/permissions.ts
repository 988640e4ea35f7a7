/**
 * Every permission of the directory server. Routes declare one of these (or `authenticated` /
 * `public`); roles are sets of them. Later features have theirs here already so that built-in roles
 * stay stable as they land.
 */
export const permissions = [
  'users.read',
  'users.create',
  'users.update',
  'users.delete',
  'users.anonymize',
  'users.impersonate',
  'users.credentials',
  'users.import',
  'groups.read',
  'groups.write',
  'groups.delete',
  'roles.read',
  'roles.write',
  'roles.assign',
  'tags.read',
  'tags.write',
  'customFields.read',
  'customFields.write',
  'segments.read',
  'segments.write',
  'activity.read',
  'events.ingest',
  'notes.read',
  'notes.write',
  'sessions.read',
  'sessions.revoke',
  'forms.read',
  'forms.write',
  'badges.read',
  'badges.write',
  'languages.read',
  'languages.write',
  'settings.read',
  'settings.write',
  'jobs.read',
  'jobs.run',
  'outbox.read',
  'stats.read',
  'tokens.read',
  'tokens.write',
  'trash.read',
  'trash.purge',
  'content.read',
  'content.write',
  'campaigns.read',
  'campaigns.write',
] as const;
export type Permission = (typeof permissions)[number];

/** What a route needs: a permission, any signed-in caller, or nobody. */
export type RouteAccess = Permission | 'authenticated' | 'public';

export const isPermission = (value: string): value is Permission => (permissions as readonly string[]).includes(value);

export const readPermissions = permissions.filter((p) => p.endsWith('.read'));
