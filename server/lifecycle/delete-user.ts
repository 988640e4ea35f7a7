import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import { notFound, preconditionFailed } from '../errors';
import { runUserOp } from './run';
import { deleteOp } from './trash';

/**
 * Moves a user to the trash through the delete operation (activity policy, fallback owner,
 * sessions). `force` lifts the activity policy; a user already in the trash is "not found".
 */
export async function deleteUser(
  ctx: ServerContext,
  principal: Principal,
  id: string,
  options: { ifMatch?: number; fallbackOwnerId?: string; force?: boolean } = {},
): Promise<void> {
  const outcome = await runUserOp(
    ctx,
    principal,
    deleteOp,
    id,
    options.fallbackOwnerId ? { fallbackOwnerId: options.fallbackOwnerId } : {},
    {
      policies: options.force ? { deleteOnlyWithoutActivity: false } : undefined,
      async before(env) {
        if (options.ifMatch === undefined) return;
        const row = await env.db.selectFrom('users').select('version').where('id', '=', id).executeTakeFirst();
        if (row && row.version !== options.ifMatch) throw preconditionFailed();
      },
    },
  );
  if (outcome.status === 'skipped') throw notFound('user');
}
