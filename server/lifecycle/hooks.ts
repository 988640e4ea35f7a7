import type { Selectable, Transaction } from 'kysely';
import type { Database, UsersTable } from '../db/schema';
import { ApiError } from '../errors';
import { MailDelivery } from '../mail/delivery';
import { endSessions } from '../sessions/service';
import { loadBaseUrl } from '../settings/store';
import type { UserInput, WriteEnv } from '../users/write';
import { logUsers, type OpEnv } from './ops';
import { defaultLicense, licensesUsed } from './status';
import { welcomeNewAdministrators, welcomeOnCreate } from './welcome';

/**
 * The lifecycle rules every user write follows, whichever way it comes (admin API, batch import,
 * SCIM): called by the core writer inside its transaction, so a refusal undoes the whole write.
 */
async function opEnvOf(env: WriteEnv): Promise<OpEnv> {
  return {
    db: env.db as Transaction<Database>,
    clock: env.clock,
    actor: env.actor,
    permissions: env.permissions,
    policies: env.schema.policies,
    baseUrl: await loadBaseUrl(env.db),
  };
}

async function checkPool(env: OpEnv): Promise<void> {
  const pool = env.policies.licensePool;
  if (pool === null) return;
  if ((await licensesUsed(env)) > pool)
    throw new ApiError(409, 'licensePoolFull', `all ${pool} licences are in use: release one or raise the licence pool`);
}

export interface CreatedUser {
  id: string;
  roles: string[];
  input: UserInput;
  active: boolean;
  license: string | null;
}

/**
 * After users are created: with a licence pool, active users take a licence from it (refused
 * beyond it); then the welcome rules of DESIGN.md §5 send the welcome or invitation mails.
 */
export async function afterUsersCreated(env: WriteEnv, created: CreatedUser[]): Promise<void> {
  if (created.length === 0) return;
  const op = await opEnvOf(env);
  if (op.policies.licensePool !== null) {
    const needing = created.filter((c) => c.active && !c.license).map((c) => c.id);
    for (let i = 0; i < needing.length; i += 500)
      await op.db
        .updateTable('users')
        .set({ license: defaultLicense })
        .where('id', 'in', needing.slice(i, i + 500))
        .execute();
    await checkPool(op);
  }
  await welcomeOnCreate(
    op,
    created.map((c) => ({ id: c.id, roles: c.roles, notify: c.input.notify, password: c.input.password })),
  );
  if (op.mailQueued) MailDelivery.kickAll();
}

/**
 * After one user changed: a new password or a deactivation ends their sessions; an activation or
 * a licence respects the pool (an anonymized user stays inactive); becoming an administrator sends
 * the welcome mail if it was never sent. Status changes are logged as such.
 */
export async function afterUserUpdated(
  env: WriteEnv,
  id: string,
  before: Selectable<UsersTable>,
  changed: string[],
): Promise<void> {
  if (changed.length === 0) return;
  const op = await opEnvOf(env);
  if (changed.includes('password')) {
    await op.db.updateTable('users').set({ must_change_password: 0 }).where('id', '=', id).execute();
    await endSessions(op.db, op.clock, [id]);
  }
  if (changed.includes('active')) {
    if (before.active === 1) {
      await endSessions(op.db, op.clock, [id]);
      await logUsers(op, 'user.deactivated', [id], { reason: 'manual' });
    } else {
      if (before.anonymized_at) throw new ApiError(409, 'anonymized', 'an anonymized user cannot be activated');
      if (op.policies.licensePool !== null)
        await op.db
          .updateTable('users')
          .set({ license: defaultLicense })
          .where('id', '=', id)
          .where('license', 'is', null)
          .execute();
      await logUsers(op, 'user.activated', [id]);
    }
  }
  if (changed.includes('active') || changed.includes('license')) await checkPool(op);
  if (changed.includes('roles')) {
    const admin = await op.db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select('roles.key')
      .where('user_roles.user_id', '=', id)
      .where('roles.key', '=', 'administrator')
      .executeTakeFirst();
    if (admin) await welcomeNewAdministrators(op, [id]);
  }
  if (op.mailQueued) MailDelivery.kickAll();
}
