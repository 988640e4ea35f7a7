import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { isPermission, type Permission } from '../roles/permissions';
import type { Principal } from './principal';
import { hashToken } from './tokens';

const lastUsedEvery = 60_000;

export async function userPermissions(db: Kysely<Database>, userId: string): Promise<Set<Permission>> {
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .select('role_permissions.permission')
    .where('user_roles.user_id', '=', userId)
    .execute();
  return new Set(rows.map((r) => r.permission).filter(isPermission));
}

/** The caller behind `Authorization: Bearer <token>` (an API token or an access token), or null. */
export async function authenticate(db: Kysely<Database>, clock: Clock, header: string | undefined): Promise<Principal | null> {
  const match = /^Bearer\s+([\x21-\x7e]{1,512})\s*$/i.exec(header ?? '');
  if (!match) return null;
  const hash = hashToken(match[1]!);
  const now = clock.now().toISOString();
  const apiToken = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'role_id', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (apiToken) {
    if (apiToken.revoked_at || (apiToken.expires_at && apiToken.expires_at <= now)) return null;
    if (!apiToken.last_used_at || Date.parse(now) - Date.parse(apiToken.last_used_at) > lastUsedEvery)
      await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', apiToken.id).execute();
    const perms = await db.selectFrom('role_permissions').select('permission').where('role_id', '=', apiToken.role_id).execute();
    return {
      kind: 'token',
      id: apiToken.id,
      name: apiToken.name,
      userId: null,
      sessionId: null,
      permissions: new Set(perms.map((p) => p.permission).filter(isPermission)),
      actor: { type: 'token', id: apiToken.id },
    };
  }
  const access = await db
    .selectFrom('access_tokens')
    .innerJoin('auth_sessions', 'auth_sessions.id', 'access_tokens.session_id')
    .innerJoin('users', 'users.id', 'auth_sessions.user_id')
    .select([
      'access_tokens.expires_at',
      'auth_sessions.id as session_id',
      'auth_sessions.revoked_at',
      'auth_sessions.last_used_at',
      'users.id as user_id',
      'users.username',
      'users.active',
      'users.deleted_at',
    ])
    .where('access_tokens.token_hash', '=', hash)
    .executeTakeFirst();
  if (!access || access.expires_at <= now || access.revoked_at || access.active !== 1 || access.deleted_at) return null;
  if (Date.parse(now) - Date.parse(access.last_used_at) > lastUsedEvery)
    await db.updateTable('auth_sessions').set({ last_used_at: now }).where('id', '=', access.session_id).execute();
  return {
    kind: 'user',
    id: access.user_id,
    name: access.username,
    userId: access.user_id,
    sessionId: access.session_id,
    permissions: await userPermissions(db, access.user_id),
    actor: { type: 'user', id: access.user_id },
  };
}
