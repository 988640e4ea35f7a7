import type { Kysely, Transaction } from 'kysely';
import type { DataSource, User } from '../../common/users/user';
import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import { loadFieldSchema } from '../custom-fields/store';
import type { Database } from '../db/schema';
import { deleteUser } from '../lifecycle/delete-user';
import { loadUser } from './load';
import { RelationResolver } from './relations';
import { createUsers, updateUser, type UpdateOptions, type UserInput, type WriteEnv } from './write';

/** Runs `fn` in one transaction with everything a user write needs. */
export async function withWriteEnv<T>(
  ctx: ServerContext,
  principal: Principal,
  source: DataSource,
  fn: (env: WriteEnv) => Promise<T>,
  options: { relaxRequired?: boolean } = {},
): Promise<T> {
  return ctx.db.kysely.transaction().execute(async (trx) => {
    const { schema, fields } = await loadFieldSchema(trx);
    const env: WriteEnv = {
      db: trx,
      clock: ctx.clock,
      actor: principal.actor,
      permissions: principal.permissions,
      schema,
      fields,
      source,
      resolver: new RelationResolver(trx, ctx.clock, principal.actor, ctx.db.dialect === 'postgres' ? ctx.db.kysely : trx),
      relaxRequired: options.relaxRequired,
    };
    return fn(env);
  });
}

export async function createUser(
  ctx: ServerContext,
  principal: Principal,
  input: UserInput,
  source: DataSource = 'manual',
  options: { relaxRequired?: boolean } = {},
): Promise<User> {
  return withWriteEnv(
    ctx,
    principal,
    source,
    async (env) => {
      const [outcome] = await createUsers(env, [input]);
      if (!outcome!.ok) throw outcome!.error;
      return (await loadUser(env.db, outcome!.id))!;
    },
    options,
  );
}

export async function patchUser(
  ctx: ServerContext,
  principal: Principal,
  id: string,
  input: UserInput,
  options: UpdateOptions & { source?: DataSource; relaxRequired?: boolean } = {},
): Promise<User> {
  return withWriteEnv(
    ctx,
    principal,
    options.source ?? 'manual',
    async (env) => {
      await updateUser(env, id, input, options);
      return (await loadUser(env.db, id))!;
    },
    { relaxRequired: options.relaxRequired },
  );
}

/**
 * Moves a user to the trash (DESIGN.md §5) through the lifecycle's delete operation: refused when
 * the policy keeps users with activity, owned groups, forms and notes go to the fallback owner,
 * sessions end, and the row stays so that it can be restored until purged.
 */
export async function trashUser(
  ctx: ServerContext,
  principal: Principal,
  id: string,
  options: { ifMatch?: number; fallbackOwnerId?: string; force?: boolean } = {},
): Promise<void> {
  await deleteUser(ctx, principal, id, options);
}

/** Users by usernames and emails, case-insensitively (trashed ones too: their names stay taken). */
export async function lookupUsers(db: Kysely<Database> | Transaction<Database>, usernames: string[], emails: string[]) {
  const ids = new Set<string>();
  const u = [...new Set(usernames.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const e = [...new Set(emails.map((s) => s.trim().toLowerCase()).filter(Boolean))];
  for (let i = 0; i < u.length; i += 500)
    for (const r of await db
      .selectFrom('users')
      .select('id')
      .where('username_lower', 'in', u.slice(i, i + 500))
      .execute())
      ids.add(r.id);
  for (let i = 0; i < e.length; i += 500)
    for (const r of await db
      .selectFrom('users')
      .select('id')
      .where('email_lower', 'in', e.slice(i, i + 500))
      .execute())
      ids.add(r.id);
  return [...ids];
}
