import { PostgresAdapter, sql } from 'kysely';
import { z } from 'zod';
import { classify, done, logUsers, skip, type BulkOp, type OpEnv } from './ops';
import { redactActivity, removePersonalRecords } from './personal-data';

/**
 * Anonymises users (DESIGN.md §5), irreversibly: inactive, every personal field replaced by a
 * random hash or emptied, avatar gone, out of every group, licence released, sessions, tokens,
 * notes, form answers and custom values deleted, mails and activity details redacted. The log
 * keeps that it happened.
 */
export async function anonymizeUsers(env: OpEnv, ids: string[]): Promise<void> {
  const now = env.clock.now().toISOString();
  // Random hex computed by the database, row by row, so a whole batch is two statements.
  const random =
    env.db.getExecutor().adapter instanceof PostgresAdapter
      ? sql<string>`substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)`
      : sql<string>`lower(hex(randomblob(8)))`;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await env.db
      .updateTable('users')
      .set((eb) => ({
        username: sql<string>`'anon-' || ${random}`,
        email: null,
        email_lower: null,
        first_name: random,
        last_name: random,
        maternal_surname: null,
        display_name: null,
        official_code: null,
        phone: null,
        avatar_url: null,
        external_id: null,
        scim_attributes: null,
        email_type: null,
        phone_type: null,
        password_hash: null,
        active: 0,
        inactive_reason: 'manual',
        status_note: null,
        email_verified: 0,
        enrollment: 'not_possible',
        invitation_resends: 0,
        expires_at: null,
        license: null,
        must_change_password: 0,
        failed_logins: 0,
        locked_until: null,
        anonymized_at: now,
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', 'in', chunk)
      .execute();
    // The derived columns (sort key, search text) from the new values, as users/text.ts builds them.
    await env.db
      .updateTable('users')
      .set({
        username_lower: sql<string>`username`,
        sort_name: sql<string>`last_name || ' ' || first_name`,
        search_text: sql<string>`first_name || ' ' || last_name || ' ' || username`,
      })
      .where('id', 'in', chunk)
      .execute();
  }
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await env.db.deleteFrom('group_members').where('user_id', 'in', chunk).execute();
    await env.db.deleteFrom('user_roles').where('user_id', 'in', chunk).execute();
  }
  await removePersonalRecords(env, ids);
  const redacted = await redactActivity(env, ids);
  await logUsers(env, 'user.anonymized', ids, { redactedEntries: redacted });
}

export const anonymizeOp: BulkOp<{ confirm: true }> = {
  action: 'anonymize',
  permission: 'users.anonymize',
  params: z.object({ confirm: z.literal(true) }).strict(),
  trash: true,
  async plan(env, ids) {
    return (
      await classify(env, ids, { trash: true }, (row) =>
        row.anonymized_at ? skip('alreadyAnonymized', 'the user is already anonymized') : done,
      )
    ).outcomes;
  },
  async apply(env, ids) {
    await anonymizeUsers(env, ids);
  },
};
