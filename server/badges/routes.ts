import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Badge } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import type { Database } from '../db/schema';
import { conflict, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { grantBadgeOp, revokeBadgeOp } from '../lifecycle/relation-ops';
import { runUserOp } from '../lifecycle/run';
import { loadUser } from '../users/load';

const idParams = z.object({ id: z.string().min(1).max(100) });
const badgeBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
  })
  .strict();

async function loadBadges(db: Kysely<Database>, where: { id?: string }, page = { page: 1, pageSize: 500 }): Promise<Badge[]> {
  let q = db
    .selectFrom('badges')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('user_badges')
        .whereRef('user_badges.badge_id', '=', 'badges.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('holders'),
    );
  if (where.id) q = q.where('id', '=', where.id);
  const rows = await q
    .orderBy('name')
    .orderBy('id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    holders: Number(r.holders ?? 0),
    createdAt: r.created_at,
  }));
}

/** The badge catalogue and grants to users. */
export function badgeRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/badges',
      access: 'badges.read',
      tag: 'badges',
      summary: 'The badge catalogue, with how many users hold each',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ query, ctx }): Promise<Page<Badge>> {
        const total = await ctx.db.kysely
          .selectFrom('badges')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return {
          items: await loadBadges(ctx.db.kysely, {}, query),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/badges',
      access: 'badges.write',
      tag: 'badges',
      summary: 'Add a badge to the catalogue',
      status: 201,
      body: badgeBody,
      async handler({ body, principal, ctx, reply }) {
        const id = randomUUID();
        await ctx.db.kysely.transaction().execute(async (trx) => {
          if (await trx.selectFrom('badges').select('id').where('key', '=', body.key).executeTakeFirst())
            throw conflict(`the badge "${body.key}" exists`, [{ field: 'key', code: 'duplicate' }]);
          const now = ctx.clock.now().toISOString();
          await trx
            .insertInto('badges')
            .values({
              id,
              key: body.key,
              name: body.name,
              description: body.description ?? null,
              created_at: now,
              updated_at: now,
            })
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'badge.created', targetType: 'badge', targetId: id });
        });
        reply.code(201);
        return (await loadBadges(ctx.db.kysely, { id }))[0];
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/badges/:id',
      access: 'badges.write',
      tag: 'badges',
      summary: 'Rename or describe a badge',
      params: idParams,
      body: badgeBody.omit({ key: true }).partial().strict(),
      async handler({ params, body, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('badges').select('id').where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('badge');
          await trx
            .updateTable('badges')
            .set({ ...body, updated_at: ctx.clock.now().toISOString() })
            .where('id', '=', row.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'badge.updated',
            targetType: 'badge',
            targetId: row.id,
          });
        });
        return (await loadBadges(ctx.db.kysely, { id: params.id }))[0];
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/badges/:id',
      access: 'badges.write',
      tag: 'badges',
      summary: 'Remove a badge from the catalogue (and from its holders)',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('badges').select('id').where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('badge');
          await trx.deleteFrom('user_badges').where('badge_id', '=', row.id).execute();
          await trx.deleteFrom('badges').where('id', '=', row.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'badge.deleted',
            targetType: 'badge',
            targetId: row.id,
          });
        });
        return undefined;
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/users/:id/badges',
      access: 'users.update',
      tag: 'badges',
      summary: 'Grant a badge (by key or id) to a user',
      params: idParams,
      body: z.object({ badge: z.string().trim().min(1).max(100) }).strict(),
      async handler({ params, body, principal, ctx }) {
        await runUserOp(ctx, principal!, grantBadgeOp, params.id, body);
        return loadUser(ctx.db.kysely, params.id);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/users/:id/badges/:badge',
      access: 'users.update',
      tag: 'badges',
      summary: 'Take a badge (by key or id) back from a user',
      status: 204,
      params: z.object({ id: z.string().min(1).max(100), badge: z.string().min(1).max(100) }),
      async handler({ params, principal, ctx }) {
        await runUserOp(ctx, principal!, revokeBadgeOp, params.id, { badge: params.badge });
        return undefined;
      },
    }),
  ];
}
