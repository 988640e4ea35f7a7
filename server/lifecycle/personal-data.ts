import { sql } from 'kysely';
import { redactOutbox } from '../mail/outbox';
import type { OpEnv } from './ops';

export const redactedMark = '{"redacted":true}';

/**
 * Removes what the activity log says about these people beyond ids and times: the details of
 * entries about them or by them (addresses, devices, pages) become `{"redacted":true}`, the one
 * change the log accepts. Returns how many entries were redacted.
 */
export async function redactActivity(env: OpEnv, userIds: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    const about = await env.db
      .updateTable('activity_log')
      .set({ data: redactedMark })
      .where('target_type', '=', 'user')
      .where('target_id', 'in', ids)
      .where('data', 'is not', null)
      .where('data', '!=', redactedMark)
      .executeTakeFirst();
    const by = await env.db
      .updateTable('activity_log')
      .set({ data: redactedMark })
      .where('actor_type', '=', 'user')
      .where('actor_id', 'in', ids)
      .where('data', 'is not', null)
      .where('data', '!=', redactedMark)
      .executeTakeFirst();
    n += Number(about.numUpdatedRows) + Number(by.numUpdatedRows);
  }
  return n;
}

/**
 * Deletes what only describes these people: their sessions (addresses, devices), their tokens,
 * the notes about them, their form answers, custom field values and SCIM emails and phones, and
 * their mails' contents.
 */
export async function removePersonalRecords(env: OpEnv, userIds: string[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    await env.db.deleteFrom('auth_sessions').where('user_id', 'in', ids).execute();
    await env.db.deleteFrom('user_tokens').where('user_id', 'in', ids).execute();
    await env.db.deleteFrom('notes').where('user_id', 'in', ids).execute();
    await env.db.deleteFrom('form_answers').where('user_id', 'in', ids).execute();
    await env.db.deleteFrom('user_field_values').where('user_id', 'in', ids).execute();
    await env.db.deleteFrom('user_contacts').where('user_id', 'in', ids).execute();
  }
  await redactOutbox(env.db, userIds);
}

/**
 * Whether users have activity of their own (DESIGN.md §5 "delete only users with no activity"):
 * they signed in, did something, were seen by an application, or answered a form.
 */
export async function usersWithActivity(env: OpEnv, userIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    const rows = await sql<{ id: string }>`
      select u.id from users u where u.id in (${sql.join(ids)}) and (
        u.login_count > 0 or u.last_login_at is not null
        or exists (select 1 from activity_log a where a.actor_type = 'user' and a.actor_id = u.id)
        or exists (select 1 from activity_log a where a.target_type = 'user' and a.target_id = u.id
                   and a.action like 'access.%')
        or exists (select 1 from form_answers f where f.user_id = u.id))`.execute(env.db);
    for (const r of rows.rows) out.add(r.id);
  }
  return out;
}

/** Users who own something a fallback owner must take over (groups, forms, notes they wrote). */
export async function usersOwningContent(env: OpEnv, userIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    const rows = await sql<{ id: string }>`
      select owner_id as id from groups where owner_id in (${sql.join(ids)})
      union select author_id from forms where author_id in (${sql.join(ids)})
      union select author_id from notes where author_type = 'user' and author_id in (${sql.join(ids)})`.execute(env.db);
    for (const r of rows.rows) if (r.id) out.add(r.id);
  }
  return out;
}

/** Hands groups, forms and notes of these users to the fallback owner. */
export async function transferContent(env: OpEnv, userIds: string[], ownerId: string): Promise<void> {
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    await env.db.updateTable('groups').set({ owner_id: ownerId }).where('owner_id', 'in', ids).execute();
    await env.db.updateTable('forms').set({ author_id: ownerId }).where('author_id', 'in', ids).execute();
    await env.db
      .updateTable('notes')
      .set({ author_id: ownerId })
      .where('author_type', '=', 'user')
      .where('author_id', 'in', ids)
      .execute();
  }
}
