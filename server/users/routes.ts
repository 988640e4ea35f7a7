import { z } from 'zod';
import type { BatchResponse, LookupResponse } from '../../common/api/admin';
import { userListQuerySchema } from '../../common/users/query';
import type { Page, User } from '../../common/users/user';
import { notFound } from '../errors';
import { etagOf, ifMatchVersion, notModified } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { avatarRoutes } from './avatar';
import { runBatch } from './batch';
import { listUserIds } from './list';
import { loadUser, loadUsers } from './load';
import { createUser, lookupUsers, patchUser, trashUser } from './service';
import { userWriteSchema } from './write-schema';

const idParams = z.object({ id: z.string().min(1).max(100) });

export const batchRowSchema = z
  .object({
    key: z.string().min(1).max(200),
    action: z.enum(['create', 'update', 'upsert']),
    userId: z.string().max(100).optional(),
    user: userWriteSchema,
    invite: z.boolean().optional(),
  })
  .strict();

export function userRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/users',
      access: 'users.read',
      tag: 'users',
      summary: 'List users: search, filters, sort, page or keyset cursor',
      query: userListQuerySchema,
      async handler({ query, ctx }): Promise<Page<User> & { totalExact: boolean }> {
        const page = await listUserIds(ctx.db.kysely, query, {
          dialect: ctx.db.dialect,
          now: ctx.clock.now().toISOString(),
          countLimit: ctx.limits.countLimit,
          sparseLimit: ctx.limits.sparseLimit,
        });
        return {
          items: await loadUsers(ctx.db.kysely, page.ids),
          total: page.total,
          totalExact: page.totalExact,
          page: query.cursor ? 0 : query.page,
          pageSize: query.pageSize,
          nextCursor: page.nextCursor,
          prevCursor: page.prevCursor,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users',
      access: 'users.create',
      tag: 'users',
      summary: 'Create a user (sendPassword=true mails the given password; invite=true mails an invitation)',
      status: 201,
      query: z.object({ sendPassword: z.enum(['true', 'false']).optional(), invite: z.enum(['true', 'false']).optional() }),
      body: userWriteSchema,
      async handler({ query, body, principal, ctx, reply }) {
        const notify =
          query.sendPassword === 'true' && body.password ? 'password' : query.invite === 'true' ? 'invitation' : undefined;
        const user = await createUser(ctx, principal!, notify ? { ...body, notify } : body);
        reply.code(201).header('etag', etagOf(user.version)).header('location', `/api/v1/users/${user.id}`);
        return user;
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/lookup',
      access: 'users.read',
      tag: 'users',
      summary: 'Find existing users by usernames and emails (case-insensitive), for import planning',
      body: z
        .object({
          usernames: z.array(z.string().max(254)).max(1000).optional(),
          emails: z.array(z.string().max(254)).max(1000).optional(),
        })
        .strict(),
      async handler({ body, ctx }): Promise<LookupResponse> {
        const ids = await lookupUsers(ctx.db.kysely, body.usernames ?? [], body.emails ?? []);
        return { users: await loadUsers(ctx.db.kysely, ids) };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/batch',
      access: 'users.import',
      tag: 'users',
      summary: 'Create or update up to 1,000 users, each row with an idempotency key',
      bodyLimit: 32 * 1024 * 1024,
      body: z.object({ rows: z.array(batchRowSchema).min(1).max(1000), keepExistingWhenEmpty: z.boolean().optional() }).strict(),
      async handler({ body, principal, ctx }): Promise<BatchResponse> {
        return { results: await runBatch(ctx, principal!, body) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id',
      access: 'users.read',
      tag: 'users',
      summary: 'Get a user (ETag; If-None-Match answers 304)',
      params: idParams,
      async handler({ params, ctx, request, reply }) {
        const user = await loadUser(ctx.db.kysely, params.id);
        if (!user) throw notFound('user');
        if (notModified(request, reply, user.version)) return reply;
        return user;
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/users/:id',
      access: 'users.update',
      tag: 'users',
      summary: 'Change some fields of a user (If-Match with the ETag refuses lost updates with 412)',
      params: idParams,
      body: userWriteSchema,
      async handler({ params, body, principal, ctx, request, reply }) {
        const user = await patchUser(ctx, principal!, params.id, body, { ifMatch: ifMatchVersion(request) });
        reply.header('etag', etagOf(user.version));
        return user;
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id',
      access: 'users.delete',
      tag: 'users',
      summary: 'Move a user to the trash (restorable until purged)',
      status: 204,
      params: idParams,
      body: z
        .object({ fallbackOwnerId: z.string().max(100).optional() })
        .strict()
        .optional(),
      async handler({ params, body, principal, ctx, request }) {
        await trashUser(ctx, principal!, params.id, { ifMatch: ifMatchVersion(request), fallbackOwnerId: body?.fallbackOwnerId });
        return undefined;
      },
    }),
    ...avatarRoutes(),
  ];
}
