import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { ActivityEntry, ActivityPage } from '../../common/api/lifecycle';
import type { Database } from '../db/schema';
import { badRequest } from '../errors';
import { parseIsoDate } from '../../common/users/validation';

export interface ActivityFilter {
  /** `auth` matches `auth.*`; a name with a dot matches exactly. */
  type?: string;
  from?: string;
  to?: string;
  before?: number;
  pageSize: number;
}

/** An ISO date or timestamp as the log's text timestamps compare (a date alone: its start, or end). */
export function isoBound(value: string, field: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!parseIsoDate(value)) throw badRequest(`${field} is not a date`, [{ field, code: 'date', params: { value } }]);
    return end ? `${value}T23:59:59.999Z` : `${value}T00:00:00.000Z`;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`${field} is not a date`, [{ field, code: 'date', params: { value } }]);
  return new Date(ms).toISOString();
}

/**
 * A page of the activity log, newest first, keyset-paged by `before` (the last id seen), with the
 * actor's name joined in. `scope` adds the caller's condition (a user, an actor…).
 */
export async function activityPage(
  db: Kysely<Database>,
  filter: ActivityFilter,
  scope?: Expression<SqlBool>,
): Promise<ActivityPage> {
  let q = db
    .selectFrom('activity_log as a')
    .leftJoin('users as au', (join) => join.onRef('au.id', '=', 'a.actor_id').on('a.actor_type', '=', 'user'))
    .leftJoin('api_tokens as at', (join) => join.onRef('at.id', '=', 'a.actor_id').on('a.actor_type', '=', 'token'))
    .select([
      'a.seq',
      'a.at',
      'a.actor_type',
      'a.actor_id',
      'a.action',
      'a.target_type',
      'a.target_id',
      'a.data',
      'au.username as actor_username',
      'at.name as actor_token',
    ])
    .orderBy('a.seq', 'desc')
    .limit(filter.pageSize + 1);
  if (scope) q = q.where(scope);
  if (filter.type)
    q = filter.type.includes('.')
      ? q.where('a.action', '=', filter.type)
      : q.where('a.action', 'like', `${filter.type.replace(/[%_\\]/g, '')}.%`);
  if (filter.from) q = q.where('a.at', '>=', isoBound(filter.from, 'from', false));
  if (filter.to) q = q.where('a.at', '<=', isoBound(filter.to, 'to', true));
  if (filter.before) q = q.where('a.seq', '<', filter.before);
  const rows = await q.execute();
  const items: ActivityEntry[] = rows.slice(0, filter.pageSize).map((r) => ({
    id: Number(r.seq),
    at: r.at,
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_username ?? r.actor_token ?? null },
    action: r.action,
    target: r.target_type ? { type: r.target_type, id: r.target_id } : null,
    data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
  }));
  return { items, nextBefore: rows.length > filter.pageSize ? items[items.length - 1]!.id : null };
}

/** Entries about a user or by them. */
export const aboutUser = (userId: string): Expression<SqlBool> =>
  sql<SqlBool>`((a.target_type = 'user' and a.target_id = ${userId}) or (a.actor_type = 'user' and a.actor_id = ${userId}))`;
