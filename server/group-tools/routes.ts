import { sql } from 'kysely';
import { z } from 'zod';
import type { GroupCleanupResult } from '../../common/api/lifecycle';
import { appendActivity } from '../activity/log';
import { badRequest, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { csvStream } from '../jobs/csv';

/** Group maintenance beside the core group routes: clean up empty groups, export, ownership. */
export function groupToolRoutes(): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/groups/cleanup',
      access: 'groups.delete',
      tag: 'groups',
      summary: 'Delete every empty group (dryRun lists them without deleting)',
      body: z.object({ dryRun: z.boolean().default(false) }).strict(),
      async handler({ body, principal, ctx }): Promise<GroupCleanupResult> {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          const empty = await trx
            .selectFrom('groups')
            .select(['id', 'name'])
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('group_members').select('user_id').whereRef('group_members.group_id', '=', 'groups.id'))),
            )
            .orderBy('name_lower')
            .execute();
          if (!body.dryRun && empty.length) {
            const ids = empty.map((g) => g.id);
            for (let i = 0; i < ids.length; i += 500)
              await trx
                .deleteFrom('groups')
                .where('id', 'in', ids.slice(i, i + 500))
                // A member added meanwhile keeps its group.
                .where(({ not, exists, selectFrom }) =>
                  not(exists(selectFrom('group_members').select('user_id').whereRef('group_members.group_id', '=', 'groups.id'))),
                )
                .execute();
            await appendActivity(trx, ctx.clock, principal!.actor, { action: 'groups.cleanedUp', data: { deleted: ids.length } });
          }
          return { dryRun: body.dryRun, count: empty.length, groups: empty };
        });
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/groups/export.csv',
      access: 'groups.read',
      tag: 'groups',
      summary: 'Every group as CSV: name, description, active, members, owner',
      async handler({ ctx, reply }) {
        const db = ctx.db.kysely;
        reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="groups.csv"');
        return csvStream(['id', 'name', 'description', 'active', 'members', 'owner', 'createdAt'], async function* () {
          let after = '';
          for (;;) {
            const rows = await sql<{
              id: string;
              name: string;
              name_lower: string;
              description: string | null;
              active: number;
              members: number | string;
              owner: string | null;
              created_at: string;
            }>`
              select g.id, g.name, g.name_lower, g.description, g.active, g.created_at, o.username as owner,
                (select count(*) from group_members m where m.group_id = g.id) as members
              from groups g left join users o on o.id = g.owner_id
              where g.name_lower > ${after} order by g.name_lower limit 500`.execute(db);
            if (rows.rows.length === 0) return;
            after = rows.rows[rows.rows.length - 1]!.name_lower;
            yield rows.rows.map((g) => [g.id, g.name, g.description, g.active === 1, Number(g.members), g.owner, g.created_at]);
          }
        });
      },
    }),
    route({
      method: 'PUT',
      url: '/api/v1/groups/:id/owner',
      access: 'groups.write',
      tag: 'groups',
      summary: "Set or clear a group's owner (a deleted owner's groups go to the fallback owner)",
      params: z.object({ id: z.string().min(1).max(100) }),
      body: z.object({ userId: z.string().min(1).max(100).nullable() }).strict(),
      async handler({ params, body, principal, ctx }) {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          const group = await trx.selectFrom('groups').select(['id', 'version']).where('id', '=', params.id).executeTakeFirst();
          if (!group) throw notFound('group');
          if (body.userId) {
            const user = await trx
              .selectFrom('users')
              .select('id')
              .where('id', '=', body.userId)
              .where('deleted_at', 'is', null)
              .executeTakeFirst();
            if (!user) throw badRequest('the owner must be an existing user', [{ field: 'userId', code: 'notFound' }]);
          }
          await trx
            .updateTable('groups')
            .set({ owner_id: body.userId, version: group.version + 1, updated_at: ctx.clock.now().toISOString() })
            .where('id', '=', group.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'group.ownerChanged',
            targetType: 'group',
            targetId: group.id,
            data: { owner: body.userId },
          });
          return { id: group.id, ownerId: body.userId };
        });
      },
    }),
  ];
}
