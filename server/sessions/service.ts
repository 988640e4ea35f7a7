import type { Kysely, Selectable, Transaction } from 'kysely';
import type { SessionInfo } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import type { Clock } from '../clock';
import type { AuthSessionsTable, Database } from '../db/schema';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Ends sessions (API and portal alike): deactivation, password changes, trash and "end all" use
 * it. Set-based, so a bulk job ends thousands of users' sessions in a few statements.
 */
export async function endSessions(
  db: Executor,
  clock: Clock,
  userIds: string[],
  options: { sessionId?: string; except?: string | null } = {},
): Promise<number> {
  const now = clock.now().toISOString();
  let ended = 0;
  for (let i = 0; i < userIds.length; i += 500) {
    let q = db
      .selectFrom('auth_sessions')
      .select('id')
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .where('revoked_at', 'is', null);
    if (options.sessionId) q = q.where('id', '=', options.sessionId);
    if (options.except) q = q.where('id', '!=', options.except);
    const ids = (await q.execute()).map((r) => r.id);
    for (let j = 0; j < ids.length; j += 500) {
      const chunk = ids.slice(j, j + 500);
      await db.updateTable('auth_sessions').set({ revoked_at: now }).where('id', 'in', chunk).execute();
      await db.deleteFrom('access_tokens').where('session_id', 'in', chunk).execute();
      await db.deleteFrom('portal_cookies').where('session_id', 'in', chunk).execute();
    }
    ended += ids.length;
  }
  return ended;
}

export function toSessionInfo(row: Selectable<AuthSessionsTable>, now: string): SessionInfo {
  return {
    id: row.id,
    kind: row.kind as SessionInfo['kind'],
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at,
    lastSeenAt: row.last_used_at,
    expiresAt: row.expires_at,
    endedAt: row.revoked_at,
    active: !row.revoked_at && row.expires_at > now,
    impersonatorId: row.impersonator_id,
  };
}

/** A user's sessions, newest first; `active` leaves out ended and expired ones. */
export async function listSessions(
  db: Executor,
  clock: Clock,
  userId: string,
  query: { active: boolean; page: number; pageSize: number },
): Promise<Page<SessionInfo>> {
  const now = clock.now().toISOString();
  let base = db.selectFrom('auth_sessions').where('user_id', '=', userId);
  if (query.active) base = base.where('revoked_at', 'is', null).where('expires_at', '>', now);
  const rows = await base
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows.map((r) => toSessionInfo(r, now)), total: Number(total.n), page: query.page, pageSize: query.pageSize };
}
