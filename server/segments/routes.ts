import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Segment } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import type { ServerContext } from '../context';
import { ApiError, conflict, notFound, preconditionFailed } from '../errors';
import { etagOf, ifMatchVersion } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { listOptions } from '../lifecycle/list-options';
import { countMatching, parseSegmentFilter, toSegment } from './store';

const idParams = z.object({ id: z.string().min(1).max(100) });
const filterSchema = z.record(z.string().max(100), z.union([z.string().max(500), z.array(z.string().max(500)).max(100)]));
const segmentBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    filter: filterSchema,
  })
  .strict();

const countOptions = (ctx: ServerContext) => listOptions(ctx);

/** Checks a filter the way the users list will run it (unknown roles, bad dates, unknown fields). */
async function checkFilter(ctx: ServerContext, filter: Record<string, string | string[]>) {
  try {
    await countMatching(ctx.db.kysely, parseSegmentFilter(filter), { ...countOptions(ctx), countLimit: 0 });
  } catch (error) {
    if (!(error instanceof ApiError) || !error.extra.errors) throw error;
    // The list names its query parameters; here they live under `filter`.
    const errors = error.extra.errors.map((e) => (e.field.startsWith('filter.') ? e : { ...e, field: `filter.${e.field}` }));
    throw new ApiError(error.status, error.code, error.message, { ...error.extra, errors });
  }
}

/**
 * Segments: saved users-list filters, compiled to SQL like the list itself (never filtered in
 * memory), with live counts; `GET /api/v1/users?segment=<id or name>` lists their members.
 */
export function segmentRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/segments',
      access: 'segments.read',
      tag: 'segments',
      summary: 'Segments, by name, each with its live count',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(100).default(30),
      }),
      async handler({ query, ctx }): Promise<Page<Segment>> {
        const db = ctx.db.kysely;
        const rows = await db
          .selectFrom('segments')
          .selectAll()
          .orderBy('name_lower')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await db
          .selectFrom('segments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const items: Segment[] = [];
        for (const row of rows) items.push(await toSegment(db, row, countOptions(ctx)));
        return { items, total: Number(total.n), page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/segments',
      access: 'segments.write',
      tag: 'segments',
      summary: 'Save a filter as a segment',
      status: 201,
      body: segmentBody,
      async handler({ body, principal, ctx, reply }) {
        await checkFilter(ctx, body.filter);
        const id = randomUUID();
        await ctx.db.kysely.transaction().execute(async (trx) => {
          if (await trx.selectFrom('segments').select('id').where('name_lower', '=', body.name.toLowerCase()).executeTakeFirst())
            throw conflict(`the segment "${body.name}" exists`, [{ field: 'name', code: 'duplicate' }]);
          const now = ctx.clock.now().toISOString();
          await trx
            .insertInto('segments')
            .values({
              id,
              name: body.name,
              name_lower: body.name.toLowerCase(),
              description: body.description ?? null,
              filter: JSON.stringify(body.filter),
              created_by: principal!.actor.id,
              created_at: now,
              updated_at: now,
              version: 1,
            })
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'segment.created',
            targetType: 'segment',
            targetId: id,
          });
        });
        const row = await ctx.db.kysely.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        reply.code(201).header('etag', etagOf(row.version)).header('location', `/api/v1/segments/${id}`);
        return toSegment(ctx.db.kysely, row, countOptions(ctx));
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/segments/:id',
      access: 'segments.read',
      tag: 'segments',
      summary: 'Get a segment with its live count',
      params: idParams,
      async handler({ params, ctx, reply }) {
        const row = await ctx.db.kysely.selectFrom('segments').selectAll().where('id', '=', params.id).executeTakeFirst();
        if (!row) throw notFound('segment');
        reply.header('etag', etagOf(row.version));
        return toSegment(ctx.db.kysely, row, countOptions(ctx));
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/segments/:id',
      access: 'segments.write',
      tag: 'segments',
      summary: 'Change a segment (If-Match)',
      params: idParams,
      body: segmentBody.partial().strict(),
      async handler({ params, body, principal, ctx, request, reply }) {
        if (body.filter) await checkFilter(ctx, body.filter);
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('segments').selectAll().where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('segment');
          const ifMatch = ifMatchVersion(request, row.version);
          if (ifMatch !== undefined && ifMatch !== row.version) throw preconditionFailed();
          if (body.name && body.name.toLowerCase() !== row.name_lower) {
            if (
              await trx.selectFrom('segments').select('id').where('name_lower', '=', body.name.toLowerCase()).executeTakeFirst()
            )
              throw conflict(`the segment "${body.name}" exists`, [{ field: 'name', code: 'duplicate' }]);
          }
          await trx
            .updateTable('segments')
            .set({
              ...(body.name ? { name: body.name, name_lower: body.name.toLowerCase() } : {}),
              ...(body.description !== undefined ? { description: body.description } : {}),
              ...(body.filter ? { filter: JSON.stringify(body.filter) } : {}),
              updated_at: ctx.clock.now().toISOString(),
              version: row.version + 1,
            })
            .where('id', '=', row.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'segment.updated',
            targetType: 'segment',
            targetId: row.id,
            data: { fields: Object.keys(body) },
          });
        });
        const row = await ctx.db.kysely.selectFrom('segments').selectAll().where('id', '=', params.id).executeTakeFirstOrThrow();
        reply.header('etag', etagOf(row.version));
        return toSegment(ctx.db.kysely, row, countOptions(ctx));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/segments/:id',
      access: 'segments.write',
      tag: 'segments',
      summary: 'Delete a segment (its users are not touched)',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const result = await trx.deleteFrom('segments').where('id', '=', params.id).executeTakeFirst();
          if (Number(result.numDeletedRows) === 0) throw notFound('segment');
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'segment.deleted',
            targetType: 'segment',
            targetId: params.id,
          });
        });
        return undefined;
      },
    }),
  ];
}
