import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendActivity, systemActor } from '../activity/log';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { hashToken } from './tokens';

/** `USERDECK_BOOTSTRAP_TOKEN`: makes sure an Administrator API token with this value exists. */
export async function ensureBootstrapToken(db: Kysely<Database>, clock: Clock, token: string): Promise<void> {
  if (token.length < 16) throw new Error('USERDECK_BOOTSTRAP_TOKEN must be at least 16 characters');
  const hash = hashToken(token);
  const existing = await db.selectFrom('api_tokens').select('id').where('token_hash', '=', hash).executeTakeFirst();
  if (existing) return;
  const role = await db.selectFrom('roles').select('id').where('key', '=', 'administrator').executeTakeFirstOrThrow();
  const id = randomUUID();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      name: 'bootstrap',
      token_hash: hash,
      role_id: role.id,
      created_at: clock.now().toISOString(),
      created_by: null,
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
    })
    .execute();
  await appendActivity(db, clock, systemActor, {
    action: 'token.created',
    targetType: 'token',
    targetId: id,
    data: { bootstrap: true },
  });
}
