import { sql } from 'kysely';
import { z } from 'zod';
import { ApiError, notFound } from '../errors';
import { etagOf, ifMatchVersion, notModified } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { loadUsers } from '../users/load';
import { escapeLike } from '../users/text';
import { createGroup, deleteGroup, loadGroup, loadGroups, updateGroup } from './service';

const idParams = z.object({ id: z.string().min(1).max(100) });
const groupBody = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
const memberIds = z.object({ userIds: z.array(z.string().min(1).max(100)).min(1).max(1000) }).strict();

export function groupRoutes(): AnyRoute[] {
  const status = (active: boolean, verb: string) =>
    route({
      method: 'POST',
      url: `/api/v1/groups/:id/${verb}`,
      access: 'groups.write',
      tag: 'groups',
      summary: `${verb[0]!.toUpperCase()}${verb.slice(1)} a group (its members are not touched)`,
      params: idParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, { active }));
        return loadGroup(ctx.db.kysely, params.id);
      },
    });
  return [
    route({
      method: 'GET',
      url: '/api/v1/groups',
      access: 'groups.read',
      tag: 'groups',
      summary: 'List groups (paged; `q` matches the start of the name)',
      query: z.object({
        q: z.string().max(200).optional(),
        active: z.enum(['true', 'false']).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ query, ctx }) {
        const db = ctx.db.kysely;
        let base = db.selectFrom('groups');
        if (query.q) base = base.where(sql<boolean>`name_lower like ${`${escapeLike(query.q.toLowerCase())}%`} escape '\\'`);
        if (query.active) base = base.where('active', '=', query.active === 'true' ? 1 : 0);
        const rows = await base
          .select('id')
          .orderBy('name_lower')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return {
          items: await loadGroups(
            db,
            rows.map((r) => r.id),
          ),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/groups',
      access: 'groups.write',
      tag: 'groups',
      summary: 'Create a group',
      status: 201,
      body: groupBody,
      async handler({ body, principal, ctx, reply }) {
        const id = await ctx.db.kysely.transaction().execute((trx) => createGroup(trx, ctx.clock, principal!.actor, body));
        const group = (await loadGroup(ctx.db.kysely, id))!;
        reply.code(201).header('etag', etagOf(group.version)).header('location', `/api/v1/groups/${id}`);
        return group;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/groups/:id',
      access: 'groups.read',
      tag: 'groups',
      summary: 'Get a group',
      params: idParams,
      async handler({ params, ctx, request, reply }) {
        const group = await loadGroup(ctx.db.kysely, params.id);
        if (!group) throw notFound('group');
        if (notModified(request, reply, group.version)) return reply;
        return group;
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/groups/:id',
      access: 'groups.write',
      tag: 'groups',
      summary: 'Rename or describe a group (If-Match)',
      params: idParams,
      body: groupBody.partial(),
      async handler({ params, body, principal, ctx, request, reply }) {
        await ctx.db.kysely
          .transaction()
          .execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, body, ifMatchVersion(request)));
        const group = (await loadGroup(ctx.db.kysely, params.id))!;
        reply.header('etag', etagOf(group.version));
        return group;
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/groups/:id',
      access: 'groups.delete',
      tag: 'groups',
      summary: 'Delete an empty group',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx, request }) {
        await ctx.db.kysely
          .transaction()
          .execute((trx) => deleteGroup(trx, ctx.clock, principal!.actor, params.id, { ifMatch: ifMatchVersion(request) }));
        return undefined;
      },
    }),
    status(true, 'activate'),
    status(false, 'deactivate'),
    route({
      method: 'GET',
      url: '/api/v1/groups/:id/members',
      access: 'groups.read',
      tag: 'groups',
      summary: 'The members of a group, by name, keyset-paged with `after`',
      params: idParams,
      query: z.object({
        after: z.string().max(500).optional(),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ params, query, ctx }) {
        const db = ctx.db.kysely;
        if (!(await loadGroup(db, params.id))) throw notFound('group');
        let after: [string, string] | null = null;
        if (query.after) {
          try {
            after = JSON.parse(Buffer.from(query.after, 'base64url').toString('utf8')) as [string, string];
          } catch {
            after = null;
          }
          if (!Array.isArray(after) || after.length !== 2 || after.some((v) => typeof v !== 'string'))
            throw new ApiError(400, 'validation', 'the `after` cursor is not valid', {
              errors: [{ field: 'after', code: 'invalid' }],
            });
        }
        const rows = await sql<{ id: string; sort_name: string }>`
          select users.id, users.sort_name from group_members
          join users on users.id = group_members.user_id
          where group_members.group_id = ${params.id} and users.deleted_at is null
          ${after ? sql`and (users.sort_name, users.id) > (${after[0]}, ${after[1]})` : sql``}
          order by users.sort_name, users.id limit ${query.pageSize + 1}`.execute(db);
        const page = rows.rows.slice(0, query.pageSize);
        const last = page[page.length - 1];
        const total = await db
          .selectFrom('group_members')
          .innerJoin('users', 'users.id', 'group_members.user_id')
          .where('group_members.group_id', '=', params.id)
          .where('users.deleted_at', 'is', null)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return {
          items: await loadUsers(
            db,
            page.map((r) => r.id),
          ),
          total: Number(total.n),
          pageSize: query.pageSize,
          nextCursor:
            rows.rows.length > query.pageSize && last
              ? Buffer.from(JSON.stringify([last.sort_name, last.id])).toString('base64url')
              : null,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/groups/:id/members',
      access: 'groups.write',
      tag: 'groups',
      summary: 'Add users to a group',
      params: idParams,
      body: memberIds,
      async handler({ params, body, principal, ctx }) {
        await ctx.db.kysely
          .transaction()
          .execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, { members: { add: body.userIds } }));
        return loadGroup(ctx.db.kysely, params.id);
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/groups/:id/members/:userId',
      access: 'groups.write',
      tag: 'groups',
      summary: 'Remove a user from a group',
      status: 204,
      params: z.object({ id: z.string().min(1).max(100), userId: z.string().min(1).max(100) }),
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely
          .transaction()
          .execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, { members: { remove: [params.userId] } }));
        return undefined;
      },
    }),
  ];
}
