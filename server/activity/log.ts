import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';

/** Who did something: a signed-in user, an API token, the system itself (sweeps, bootstrap). */
export interface Actor {
  type: 'user' | 'token' | 'system';
  id: string | null;
}

export const systemActor: Actor = { type: 'system', id: null };

export interface ActivityEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  /** Ids, field names and counts only: the log must never hold a person's data (see anonymisation). */
  data?: Record<string, unknown>;
}

/** Appends to the activity log, inside the caller's transaction so a failed write logs nothing. */
export async function appendActivity(
  db: Kysely<Database> | Transaction<Database>,
  clock: Clock,
  actor: Actor,
  entry: ActivityEntry,
): Promise<void> {
  await db
    .insertInto('activity_log')
    .values({
      at: clock.now().toISOString(),
      actor_type: actor.type,
      actor_id: actor.id,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      data: entry.data ? JSON.stringify(entry.data) : null,
    })
    .execute();
}
