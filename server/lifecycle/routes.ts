import { z } from 'zod';
import type { InvitationResult, ResetPasswordResult, TrashedUser, UserRights } from '../../common/api/lifecycle';
import { userListQuerySchema, type UserListQuery } from '../../common/users/query';
import type { Page, User } from '../../common/users/user';
import type { ServerContext } from '../context';
import { ApiError, notFound } from '../errors';
import { etagOf } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { loadPolicies } from '../settings/policies';
import { listUserIds } from '../users/list';
import { loadUser, loadUsers } from '../users/load';
import { anonymizeOp } from './anonymize';
import { listOptions } from './list-options';
import { runOp, type BulkOp } from './ops';
import { setTemporaryPassword } from './passwords';
import { runSweeps, type SweepReport } from './sweeps';
import { runUserOp, withOpEnv } from './run';
import { activateOp, banOp, deactivateOp } from './status';
import { purgeOp, restoreOp } from './trash';
import { inviteOp, resetPasswordOp } from './welcome';

const idParams = z.object({ id: z.string().min(1).max(100) });
const confirmBody = z.object({ confirm: z.literal(true) }).strict();

async function userAfter(ctx: ServerContext, id: string, reply: { header(name: string, value: string): unknown }): Promise<User> {
  const user = await loadUser(ctx.db.kysely, id);
  if (!user) throw notFound('user');
  reply.header('etag', etagOf(user.version));
  return user;
}

function actionRoute(verb: string, op: BulkOp<never>, summary: string, body?: z.ZodType): AnyRoute {
  return route({
    method: 'POST',
    url: `/api/v1/users/:id/${verb}`,
    access: op.permission,
    tag: 'users',
    summary,
    params: idParams,
    body: body ?? z.object({}).strict().optional(),
    async handler({ params, body: input, principal, ctx, reply }) {
      await runUserOp(ctx, principal!, op, params.id, input ?? {});
      return userAfter(ctx, params.id, reply);
    },
  });
}

/** Single-user lifecycle actions (DESIGN.md §4 `users/{id}/…`) and the trash. */
export function lifecycleRoutes(): AnyRoute[] {
  return [
    actionRoute('activate', activateOp as BulkOp<never>, 'Activate a user (refused beyond the licence pool or after expiry)'),
    actionRoute('deactivate', deactivateOp as BulkOp<never>, 'Deactivate a user; their sessions end'),
    actionRoute(
      'ban',
      banOp as BulkOp<never>,
      'Ban a user with a reason; their sessions end',
      z.object({ reason: z.string().trim().min(1).max(1000) }).strict(),
    ),
    actionRoute('restore', restoreOp as BulkOp<never>, 'Restore a user from the trash, with their groups, roles and tags'),
    actionRoute(
      'anonymize',
      anonymizeOp as BulkOp<never>,
      'Anonymize a user, irreversibly (body {"confirm": true})',
      confirmBody,
    ),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/invite',
      access: 'users.credentials',
      tag: 'users',
      summary: 'Send or resend the invitation (single-use link, valid for the policy hours) until the user joins',
      params: idParams,
      body: z.object({}).strict().optional(),
      async handler({ params, principal, ctx }): Promise<InvitationResult> {
        const outcome = await runUserOp(ctx, principal!, inviteOp, params.id, {});
        if (outcome.status === 'skipped') throw new ApiError(409, outcome.code, outcome.message);
        const user = await ctx.db.kysely
          .selectFrom('users')
          .select(['email', 'enrollment', 'invitation_resends'])
          .where('id', '=', params.id)
          .executeTakeFirstOrThrow();
        const token = await ctx.db.kysely
          .selectFrom('user_tokens')
          .select('expires_at')
          .where('user_id', '=', params.id)
          .where('kind', '=', 'invitation')
          .orderBy('expires_at', 'desc')
          .executeTakeFirstOrThrow();
        return {
          enrollment: user.enrollment,
          invitationResends: user.invitation_resends,
          expiresAt: token.expires_at,
          sentTo: user.email!,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/reset-password',
      access: 'users.credentials',
      tag: 'users',
      summary: 'Reset a password: mail a single-use link, or set a temporary password shown once (changed at next sign-in)',
      params: idParams,
      body: z.object({ method: z.enum(['email', 'temporary']).default('email') }).strict(),
      async handler({ params, body, principal, ctx }): Promise<ResetPasswordResult> {
        if (body.method === 'temporary') {
          const temporaryPassword = await withOpEnv(ctx, principal!, (env) => setTemporaryPassword(env, params.id));
          return { method: 'temporary', temporaryPassword };
        }
        await runUserOp(ctx, principal!, resetPasswordOp, params.id, {});
        const user = await ctx.db.kysely
          .selectFrom('users')
          .select('email')
          .where('id', '=', params.id)
          .executeTakeFirstOrThrow();
        return { method: 'email', sentTo: user.email! };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/rights',
      access: 'users.read',
      tag: 'users',
      summary: "A user's roles and the permissions they add up to",
      params: idParams,
      async handler({ params, ctx }): Promise<UserRights> {
        const db = ctx.db.kysely;
        if (!(await db.selectFrom('users').select('id').where('id', '=', params.id).executeTakeFirst())) throw notFound('user');
        const roles = await db
          .selectFrom('user_roles')
          .innerJoin('roles', 'roles.id', 'user_roles.role_id')
          .select(['roles.key', 'roles.name'])
          .where('user_roles.user_id', '=', params.id)
          .orderBy('roles.name')
          .execute();
        const perms = await db
          .selectFrom('user_roles')
          .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
          .select('role_permissions.permission')
          .distinct()
          .where('user_roles.user_id', '=', params.id)
          .orderBy('role_permissions.permission')
          .execute();
        return { roles, permissions: perms.map((p) => p.permission) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/sweeps',
      access: 'settings.write',
      tag: 'settings',
      summary: 'Run the lifecycle sweeps now (expiry, inactivity, invitations, trash purge); they also run on a schedule',
      body: z.object({}).strict().optional(),
      async handler({ ctx }): Promise<SweepReport> {
        return (await runSweeps(ctx, { force: true }))!;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/trash',
      access: 'trash.read',
      tag: 'trash',
      summary: 'Users in the trash (restorable until purged), with the date each will be purged',
      query: userListQuerySchema,
      async handler({ query, ctx }): Promise<Page<TrashedUser>> {
        const trashQuery = { ...query, status: 'trash' } as UserListQuery;
        const page = await listUserIds(ctx.db.kysely, trashQuery, listOptions(ctx));
        const days = (await loadPolicies(ctx.db.kysely)).trashRetentionDays;
        const users = await loadUsers(ctx.db.kysely, page.ids);
        return {
          items: users.map((u) => ({ ...u, purgeAt: new Date(Date.parse(u.deletedAt!) + days * 86_400_000).toISOString() })),
          total: page.total,
          page: query.cursor ? 0 : query.page,
          pageSize: query.pageSize,
          nextCursor: page.nextCursor,
          prevCursor: page.prevCursor,
        };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/trash/:id',
      access: 'trash.purge',
      tag: 'trash',
      summary: 'Purge a user in the trash now, for good (body {"confirm": true})',
      status: 204,
      params: idParams,
      body: confirmBody,
      async handler({ params, principal, ctx }) {
        await runUserOp(ctx, principal!, purgeOp, params.id, { confirm: true });
        return undefined;
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/trash/purge',
      access: 'trash.purge',
      tag: 'trash',
      summary: 'Purge users in the trash now: the given ones, or all (body {"confirm": true, "userIds"?})',
      body: z
        .object({ confirm: z.literal(true), userIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional() })
        .strict(),
      async handler({ body, principal, ctx }) {
        let purged = 0;
        for (;;) {
          const n = await withOpEnv(ctx, principal!, async (env) => {
            const ids =
              body.userIds ??
              (await env.db.selectFrom('users').select('id').where('deleted_at', 'is not', null).limit(500).execute()).map(
                (r) => r.id,
              );
            const outcomes = await runOp(env, purgeOp, ids, { confirm: true });
            return { done: [...outcomes.values()].filter((o) => o.status === 'done').length, batch: ids.length };
          });
          purged += n.done;
          if (body.userIds || n.batch < 500 || n.done === 0) break;
        }
        return { purged };
      },
    }),
  ];
}
