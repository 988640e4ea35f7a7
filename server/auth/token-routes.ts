import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appendActivity } from '../activity/log';
import { ApiError, badRequest, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { hashToken, newToken } from './tokens';

/** API tokens for SCIM clients and scripts: the secret is shown once, stored only as a hash. */
export function tokenRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/tokens',
      access: 'tokens.read',
      tag: 'tokens',
      summary: 'List API tokens (never their secret)',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ query, ctx }) {
        const db = ctx.db.kysely;
        const rows = await db
          .selectFrom('api_tokens')
          .innerJoin('roles', 'roles.id', 'api_tokens.role_id')
          .select([
            'api_tokens.id',
            'api_tokens.name',
            'roles.key as role',
            'api_tokens.created_at',
            'api_tokens.last_used_at',
            'api_tokens.expires_at',
            'api_tokens.revoked_at',
          ])
          .orderBy('api_tokens.created_at', 'desc')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await db
          .selectFrom('api_tokens')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return {
          items: rows.map((r) => ({
            id: r.id,
            name: r.name,
            role: r.role,
            createdAt: r.created_at,
            lastUsedAt: r.last_used_at,
            expiresAt: r.expires_at,
            revokedAt: r.revoked_at,
          })),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/tokens',
      access: 'tokens.write',
      tag: 'tokens',
      summary: 'Create an API token with one role; the answer holds the secret, once',
      status: 201,
      body: z
        .object({
          name: z.string().trim().min(1).max(200),
          role: z.string().min(1).max(100),
          expiresAt: z.iso.datetime().nullable().optional(),
        })
        .strict(),
      async handler({ body, principal, ctx, reply }) {
        const db = ctx.db.kysely;
        const role = await db.selectFrom('roles').select(['id', 'key']).where('key', '=', body.role).executeTakeFirst();
        if (!role) throw badRequest(`unknown role "${body.role}"`, [{ field: 'role', code: 'unknownRole' }]);
        const perms = (await db.selectFrom('role_permissions').select('permission').where('role_id', '=', role.id).execute()).map(
          (p) => p.permission,
        );
        if (!principal!.permissions.has('roles.assign') && perms.some((p) => !principal!.permissions.has(p as never)))
          throw new ApiError(403, 'forbidden', 'a token cannot get rights its creator lacks without "roles.assign"', {
            permission: 'roles.assign',
          });
        const token = newToken('udk');
        const id = randomUUID();
        const now = ctx.clock.now().toISOString();
        await db
          .insertInto('api_tokens')
          .values({
            id,
            name: body.name,
            token_hash: hashToken(token),
            role_id: role.id,
            created_at: now,
            created_by: principal!.id,
            last_used_at: null,
            expires_at: body.expiresAt ?? null,
            revoked_at: null,
          })
          .execute();
        await appendActivity(db, ctx.clock, principal!.actor, {
          action: 'token.created',
          targetType: 'token',
          targetId: id,
          data: { role: role.key },
        });
        reply.code(201);
        return { id, name: body.name, role: role.key, token, createdAt: now, expiresAt: body.expiresAt ?? null };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      access: 'tokens.write',
      tag: 'tokens',
      summary: 'Revoke an API token',
      status: 204,
      params: z.object({ id: z.string().min(1).max(100) }),
      async handler({ params, principal, ctx }) {
        const db = ctx.db.kysely;
        const row = await db.selectFrom('api_tokens').select('id').where('id', '=', params.id).executeTakeFirst();
        if (!row) throw notFound('token');
        await db.updateTable('api_tokens').set({ revoked_at: ctx.clock.now().toISOString() }).where('id', '=', row.id).execute();
        await appendActivity(db, ctx.clock, principal!.actor, { action: 'token.revoked', targetType: 'token', targetId: row.id });
        return undefined;
      },
    }),
  ];
}
