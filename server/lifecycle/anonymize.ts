import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { searchText, sortName } from '../users/text';
import { classify, done, logUsers, skip, type BulkOp, type OpEnv } from './ops';
import { redactActivity, removePersonalRecords } from './personal-data';

const hash = () => randomBytes(8).toString('hex');

/**
 * Anonymises users (DESIGN.md §5), irreversibly: inactive, every personal field replaced by a
 * random hash or emptied, avatar gone, out of every group, licence released, sessions, tokens,
 * notes, form answers and custom values deleted, mails and activity details redacted. The log
 * keeps that it happened.
 */
export async function anonymizeUsers(env: OpEnv, ids: string[]): Promise<void> {
  const now = env.clock.now().toISOString();
  for (const id of ids) {
    const username = `anon-${hash()}`;
    const first = hash();
    const last = hash();
    await env.db
      .updateTable('users')
      .set((eb) => ({
        username,
        username_lower: username,
        email: null,
        email_lower: null,
        first_name: first,
        last_name: last,
        maternal_surname: null,
        display_name: null,
        official_code: null,
        phone: null,
        avatar_url: null,
        external_id: null,
        scim_attributes: null,
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
        sort_name: sortName(first, last),
        search_text: searchText([first, last, username]),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
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
    return (await classify(env, ids, { trash: true }, (row) => (row.anonymized_at ? skip('alreadyAnonymized', 'the user is already anonymized') : done)))
      .outcomes;
  },
  async apply(env, ids) {
    await anonymizeUsers(env, ids);
  },
};
