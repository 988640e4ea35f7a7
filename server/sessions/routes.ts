import { z } from 'zod';
import type { SessionInfo } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import { notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { endSessions, listSessions } from './service';

const idParams = z.object({ id: z.string().min(1).max(100) });

async function requireUser(db: Parameters<typeof listSessions>[0], id: string) {
  if (!(await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst())) throw notFound('user');
}

/** A user's sessions and devices (portal and API sign-ins), and ending them remotely. */
export function sessionRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/users/:id/sessions',
      access: 'sessions.read',
      tag: 'sessions',
      summary: "A user's sessions: device, address, created, last seen (active ones unless active=false)",
      params: idParams,
      query: z.object({
        active: z.enum(['true', 'false']).default('true'),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ params, query, ctx }): Promise<Page<SessionInfo>> {
        await requireUser(ctx.db.kysely, params.id);
        return listSessions(ctx.db.kysely, ctx.clock, params.id, { ...query, active: query.active === 'true' });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/sessions',
      access: 'sessions.revoke',
      tag: 'sessions',
      summary: 'End every session of a user',
      params: idParams,
      async handler({ params, principal, ctx }) {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          await requireUser(trx, params.id);
          const ended = await endSessions(trx, ctx.clock, [params.id]);
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'user.sessionsEnded',
            targetType: 'user',
            targetId: params.id,
            data: { ended },
          });
          return { ended };
        });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/sessions/:sessionId',
      access: 'sessions.revoke',
      tag: 'sessions',
      summary: 'End one session of a user',
      status: 204,
      params: z.object({ id: z.string().min(1).max(100), sessionId: z.string().min(1).max(100) }),
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const session = await trx
            .selectFrom('auth_sessions')
            .select(['id', 'revoked_at'])
            .where('id', '=', params.sessionId)
            .where('user_id', '=', params.id)
            .executeTakeFirst();
          if (!session) throw notFound('session');
          await endSessions(trx, ctx.clock, [params.id], { sessionId: params.sessionId });
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'user.sessionsEnded',
            targetType: 'user',
            targetId: params.id,
            data: { session: params.sessionId },
          });
        });
        return undefined;
      },
    }),
  ];
}
