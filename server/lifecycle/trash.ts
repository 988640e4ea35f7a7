import { z } from 'zod';
import { ApiError } from '../errors';
import { endSessions } from '../sessions/service';
import { classify, done, fail, logUsers, skip, touchUsers, type BulkOp } from './ops';
import { redactActivity, removePersonalRecords, transferContent, usersOwningContent, usersWithActivity } from './personal-data';

const confirm = z.object({ confirm: z.literal(true) }).strict();

/**
 * Delete = move to the trash (DESIGN.md §5): refused for users with activity while the policy says
 * so (deactivate or anonymize them instead); users who own groups, forms or notes need a fallback
 * owner, who receives them. Sessions end; the row stays so that it can be restored until purged.
 */
export const deleteOp: BulkOp<{ fallbackOwnerId?: string }> = {
  action: 'delete',
  permission: 'users.delete',
  params: z.object({ fallbackOwnerId: z.string().min(1).max(100).optional() }).strict(),
  async prepare(env, params) {
    if (!params.fallbackOwnerId) return;
    const owner = await env.db
      .selectFrom('users')
      .select(['id', 'active', 'anonymized_at'])
      .where('id', '=', params.fallbackOwnerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!owner || owner.anonymized_at)
      throw new ApiError(400, 'validation', 'the fallback owner must be an existing user outside the trash', {
        errors: [{ field: 'fallbackOwnerId', code: 'notFound' }],
      });
  },
  async plan(env, ids, params) {
    const withActivity = env.policies.deleteOnlyWithoutActivity ? await usersWithActivity(env, ids) : new Set<string>();
    const owning = await usersOwningContent(env, ids);
    const { outcomes } = await classify(env, ids, { trash: true }, (row) => {
      if (row.deleted_at) return skip('alreadyInTrash', 'the user is already in the trash');
      if (withActivity.has(row.id))
        return fail(
          'hasActivity',
          'this user has activity and the policy keeps such users: deactivate or anonymize them instead',
        );
      if (row.id === params.fallbackOwnerId)
        return fail('fallbackOwnerIsUser', 'the fallback owner cannot be the deleted user', 400);
      if (owning.has(row.id) && !params.fallbackOwnerId)
        return fail(
          'fallbackOwnerRequired',
          'this user owns groups, forms or notes: name a fallback owner (fallbackOwnerId) to receive them',
          400,
        );
      return done;
    });
    return outcomes;
  },
  async apply(env, ids, params) {
    if (params.fallbackOwnerId) await transferContent(env, ids, params.fallbackOwnerId);
    await touchUsers(env, ids, { deleted_at: env.clock.now().toISOString() });
    await endSessions(env.db, env.clock, ids);
    await logUsers(env, 'user.trashed', ids, params.fallbackOwnerId ? { fallbackOwnerId: params.fallbackOwnerId } : undefined);
  },
};

/** Restores users from the trash as they were: same id, groups, roles and tags. */
export const restoreOp: BulkOp<Record<string, never>> = {
  action: 'restore',
  permission: 'users.delete',
  params: z.object({}).strict(),
  trash: true,
  filterStatus: 'trash',
  async plan(env, ids) {
    return (
      await classify(env, ids, { trash: true }, (row) =>
        row.deleted_at ? done : skip('notInTrash', 'the user is not in the trash'),
      )
    ).outcomes;
  },
  async apply(env, ids) {
    await touchUsers(env, ids, { deleted_at: null });
    await logUsers(env, 'user.restored', ids);
  },
};

/** Deletes users in the trash for good, with what describes them; the log keeps ids and times only. */
export async function purgeUsers(env: Parameters<BulkOp['apply']>[0], ids: string[]): Promise<void> {
  await logUsers(env, 'user.purged', ids);
  await redactActivity(env, ids);
  await removePersonalRecords(env, ids);
  for (let i = 0; i < ids.length; i += 500)
    await env.db
      .deleteFrom('users')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
}

export const purgeOp: BulkOp<{ confirm: true }> = {
  action: 'purge',
  permission: 'trash.purge',
  params: confirm,
  trash: true,
  filterStatus: 'trash',
  async plan(env, ids) {
    return (
      await classify(env, ids, { trash: true }, (row) =>
        row.deleted_at ? done : fail('notInTrash', 'only users in the trash can be purged: delete them first'),
      )
    ).outcomes;
  },
  async apply(env, ids) {
    await purgeUsers(env, ids);
  },
};
