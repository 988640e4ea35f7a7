import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema';
import type { OpEnv } from './ops';
import { classify, done, fail, logUsers, skip, touchUsers, type BulkOp, type Outcome } from './ops';
import { endSessions } from '../sessions/service';

/** The licence a user gets when the pool is on and nothing else was named. */
export const defaultLicense = 'standard';

/** Licences in use: users outside the trash that hold one. */
export async function licensesUsed(env: { db: Kysely<Database> | Transaction<Database> }): Promise<number> {
  const row = await env.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('license', 'is not', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const poolFull = (pool: number) =>
  fail('licensePoolFull', `all ${pool} licences are in use: release one or raise the licence pool`, 409);

/**
 * Gives licences from the pool to the first users of `needing`, as far as the pool goes; the rest
 * fail with `licensePoolFull`. No pool, no limit.
 */
async function allotSeats(env: OpEnv, needing: string[], outcomes: Map<string, Outcome>): Promise<void> {
  const pool = env.policies.licensePool;
  if (pool === null || needing.length === 0) return;
  const free = Math.max(0, pool - (await licensesUsed(env)));
  for (const id of needing.slice(free)) outcomes.set(id, poolFull(pool));
}

const none = z.object({}).strict();

export const activateOp: BulkOp<Record<string, never>> = {
  action: 'activate',
  permission: 'users.update',
  params: none,
  async plan(env, ids) {
    const now = env.clock.now().toISOString();
    const { outcomes, rows } = await classify(env, ids, {}, (row) => {
      if (row.anonymized_at) return fail('anonymized', 'an anonymized user cannot be activated');
      if (row.active === 1) return skip('alreadyActive', 'the user is already active');
      if (row.expires_at && row.expires_at <= now)
        return fail('expired', 'the account has expired: change or clear its expiration date first');
      return done;
    });
    const needing = ids.filter((id) => outcomes.get(id)?.status === 'done' && rows.get(id)!.license === null);
    await allotSeats(env, needing, outcomes);
    return outcomes;
  },
  async apply(env, ids) {
    await touchUsers(env, ids, { active: 1, inactive_reason: null, status_note: null });
    if (env.policies.licensePool !== null)
      for (let i = 0; i < ids.length; i += 500)
        await env.db
          .updateTable('users')
          .set({ license: defaultLicense })
          .where('id', 'in', ids.slice(i, i + 500))
          .where('license', 'is', null)
          .execute();
    await logUsers(env, 'user.activated', ids);
  },
};

/** Deactivation with a reason; ends the users' sessions. Shared by deactivate, ban and the sweeps. */
export async function deactivateUsers(
  env: OpEnv,
  ids: string[],
  reason: 'manual' | 'banned' | 'expired' | 'inactivity' | 'license',
  note: string | null = null,
): Promise<void> {
  await touchUsers(env, ids, { active: 0, inactive_reason: reason, status_note: note });
  await endSessions(env.db, env.clock, ids);
  await logUsers(env, reason === 'banned' ? 'user.banned' : 'user.deactivated', ids, { reason });
}

export const deactivateOp: BulkOp<Record<string, never>> = {
  action: 'deactivate',
  permission: 'users.update',
  params: none,
  async plan(env, ids) {
    return (
      await classify(env, ids, {}, (row) => (row.active === 0 ? skip('alreadyInactive', 'the user is already inactive') : done))
    ).outcomes;
  },
  async apply(env, ids) {
    await deactivateUsers(env, ids, 'manual');
  },
};

export const banOp: BulkOp<{ reason: string }> = {
  action: 'ban',
  permission: 'users.update',
  params: z.object({ reason: z.string().trim().min(1).max(1000) }).strict(),
  async plan(env, ids) {
    return (
      await classify(env, ids, {}, (row) =>
        row.active === 0 && row.inactive_reason === 'banned' ? skip('alreadyBanned', 'the user is already banned') : done,
      )
    ).outcomes;
  },
  async apply(env, ids, params) {
    await deactivateUsers(env, ids, 'banned', params.reason);
  },
};

export const assignLicenseOp: BulkOp<{ license?: string }> = {
  action: 'assignLicense',
  permission: 'users.update',
  params: z.object({ license: z.string().trim().min(1).max(100).optional() }).strict(),
  async plan(env, ids, params) {
    const wanted = params.license ?? defaultLicense;
    const { outcomes, rows } = await classify(env, ids, {}, (row) => {
      if (row.anonymized_at) return fail('anonymized', 'an anonymized user cannot hold a licence');
      if (row.license === wanted) return skip('unchanged', 'the user already holds this licence');
      return done;
    });
    const needing = ids.filter((id) => outcomes.get(id)?.status === 'done' && rows.get(id)!.license === null);
    await allotSeats(env, needing, outcomes);
    return outcomes;
  },
  async apply(env, ids, params) {
    const license = params.license ?? defaultLicense;
    await touchUsers(env, ids, { license });
    await logUsers(env, 'user.licenseAssigned', ids, { license });
  },
};

export const releaseLicenseOp: BulkOp<Record<string, never>> = {
  action: 'releaseLicense',
  permission: 'users.update',
  params: none,
  async plan(env, ids) {
    return (await classify(env, ids, {}, (row) => (row.license === null ? skip('noLicense', 'the user holds no licence') : done)))
      .outcomes;
  },
  async apply(env, ids) {
    const { rows } = await classify(env, ids, {}, () => done);
    await touchUsers(env, ids, { license: null });
    await logUsers(env, 'user.licenseReleased', ids);
    // With a pool, an active user needs a licence: releasing it deactivates them.
    if (env.policies.licensePool !== null) {
      const active = ids.filter((id) => rows.get(id)?.active === 1);
      if (active.length) await deactivateUsers(env, active, 'license');
    }
  },
};
