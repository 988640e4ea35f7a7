import { newId } from '../ids';
import { sql } from 'kysely';
import { z } from 'zod';
import { appendActivity } from '../activity/log';
import { conflict, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { escapeLike } from '../users/text';

const idParams = z.object({ id: z.string().min(1).max(100) });
const tagBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .nullable()
      .optional(),
  })
  .strict();

export function tagRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/tags',
      access: 'tags.read',
      tag: 'tags',
      summary: 'List tags with their user counts (paged; `q` matches the start of the name)',
      query: z.object({
        q: z.string().max(100).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ query, ctx }) {
        const db = ctx.db.kysely;
        let base = db.selectFrom('tags');
        if (query.q) base = base.where(sql<boolean>`name_lower like ${`${escapeLike(query.q.toLowerCase())}%`} escape '\\'`);
        const rows = await base
          .select(['id', 'name', 'color', 'created_at'])
          .select((eb) =>
            eb
              .selectFrom('user_tags')
              .whereRef('user_tags.tag_id', '=', 'tags.id')
              .select(sql<number>`count(*)`.as('c'))
              .as('userCount'),
          )
          .orderBy('name_lower')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return {
          items: rows.map((r) => ({
            id: r.id,
            name: r.name,
            color: r.color,
            createdAt: r.created_at,
            userCount: Number(r.userCount),
          })),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/tags',
      access: 'tags.write',
      tag: 'tags',
      summary: 'Create a tag',
      status: 201,
      body: tagBody,
      async handler({ body, principal, ctx, reply }) {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          if (await trx.selectFrom('tags').select('id').where('name_lower', '=', body.name.toLowerCase()).executeTakeFirst())
            throw conflict(`the tag "${body.name}" exists`, [{ field: 'name', code: 'duplicate' }]);
          const row = {
            id: newId(),
            name: body.name,
            name_lower: body.name.toLowerCase(),
            color: body.color ?? null,
            created_at: ctx.clock.now().toISOString(),
          };
          await trx.insertInto('tags').values(row).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'tag.created', targetType: 'tag', targetId: row.id });
          reply.code(201);
          return { id: row.id, name: row.name, color: row.color, createdAt: row.created_at, userCount: 0 };
        });
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/tags/:id',
      access: 'tags.write',
      tag: 'tags',
      summary: 'Rename or recolour a tag',
      params: idParams,
      body: tagBody.partial(),
      async handler({ params, body, principal, ctx }) {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('tags').selectAll().where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('tag');
          if (body.name && body.name.toLowerCase() !== row.name_lower) {
            if (await trx.selectFrom('tags').select('id').where('name_lower', '=', body.name.toLowerCase()).executeTakeFirst())
              throw conflict(`the tag "${body.name}" exists`, [{ field: 'name', code: 'duplicate' }]);
          }
          const name = body.name ?? row.name;
          const color = body.color === undefined ? row.color : body.color;
          await trx.updateTable('tags').set({ name, name_lower: name.toLowerCase(), color }).where('id', '=', row.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'tag.updated', targetType: 'tag', targetId: row.id });
          return { id: row.id, name, color, createdAt: row.created_at };
        });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/tags/:id',
      access: 'tags.write',
      tag: 'tags',
      summary: 'Delete a tag (users lose it)',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('tags').select('id').where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('tag');
          await trx.deleteFrom('user_tags').where('tag_id', '=', row.id).execute();
          await trx.deleteFrom('tags').where('id', '=', row.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'tag.deleted', targetType: 'tag', targetId: row.id });
        });
        return undefined;
      },
    }),
  ];
}
