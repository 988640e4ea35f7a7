import { z } from 'zod';
import type { ImpersonationStart } from '../../common/api/lifecycle';
import { appendActivity } from '../activity/log';
import { userPermissions } from '../auth/authenticate';
import { ApiError, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { issueUserTokens } from '../lifecycle/tokens';
import { portalPath } from '../lifecycle/welcome';
import { loadBaseUrl } from '../settings/store';

/** An impersonation link works once, for two minutes. */
export const impersonationLinkMs = 2 * 60_000;

/**
 * Starts an impersonation: needs `users.impersonate` and a reason, refuses a user with rights the
 * caller lacks, and answers a short-lived single-use link that signs the caller into the portal as
 * the user (with the impersonation bar on every page). Start and end are both logged.
 */
export function impersonationRoutes(): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/users/:id/impersonate',
      access: 'users.impersonate',
      tag: 'users',
      summary: 'Sign in to the portal as a user, for support (needs a reason; a single-use link valid two minutes)',
      params: z.object({ id: z.string().min(1).max(100) }),
      body: z.object({ reason: z.string().trim().min(3).max(1000) }).strict(),
      async handler({ params, body, principal, ctx }): Promise<ImpersonationStart> {
        const p = principal!;
        return ctx.db.kysely.transaction().execute(async (trx) => {
          const user = await trx
            .selectFrom('users')
            .select(['id', 'active', 'deleted_at', 'anonymized_at'])
            .where('id', '=', params.id)
            .executeTakeFirst();
          if (!user || user.deleted_at || user.anonymized_at) throw notFound('user');
          if (p.userId === user.id) throw new ApiError(409, 'impersonateSelf', 'you cannot impersonate yourself');
          if (user.active !== 1) throw new ApiError(409, 'inactive', 'the user is inactive and cannot be impersonated');
          const theirs = await userPermissions(trx, user.id);
          const beyond = [...theirs].filter((perm) => !p.permissions.has(perm));
          if (beyond.length)
            throw new ApiError(403, 'forbidden', 'nobody can impersonate a user with more privileges than their own', {
              permission: beyond[0],
            });
          const [issued] = await issueUserTokens(trx, ctx.clock, 'impersonation', [
            {
              userId: user.id,
              ttlMs: impersonationLinkMs,
              createdBy: p.actor.id,
              data: { actorType: p.actor.type, actorId: p.actor.id, reason: body.reason },
            },
          ]);
          await appendActivity(trx, ctx.clock, p.actor, {
            action: 'impersonation.requested',
            targetType: 'user',
            targetId: user.id,
            data: { reason: body.reason },
          });
          const base = await loadBaseUrl(trx);
          return {
            url: `${base}${portalPath.impersonate}?token=${encodeURIComponent(issued!.token)}`,
            expiresAt: issued!.expiresAt,
          };
        });
      },
    }),
  ];
}
