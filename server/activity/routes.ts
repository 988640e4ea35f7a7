import { z } from 'zod';
import { route, type AnyRoute } from '../http/route';

export function activityRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/activity',
      access: 'activity.read',
      tag: 'activity',
      summary: 'The append-only activity log, newest first, keyset-paged by `before`',
      query: z.object({
        targetType: z.string().max(50).optional(),
        targetId: z.string().max(100).optional(),
        actorId: z.string().max(100).optional(),
        before: z.coerce.number().int().positive().optional(),
        pageSize: z.coerce.number().int().min(1).max(500).default(50),
      }),
      async handler({ query, ctx }) {
        let q = ctx.db.kysely
          .selectFrom('activity_log')
          .selectAll()
          .orderBy('seq', 'desc')
          .limit(query.pageSize + 1);
        if (query.targetType) q = q.where('target_type', '=', query.targetType);
        if (query.targetId) q = q.where('target_id', '=', query.targetId);
        if (query.actorId) q = q.where('actor_id', '=', query.actorId);
        if (query.before) q = q.where('seq', '<', query.before);
        const rows = await q.execute();
        const items = rows.slice(0, query.pageSize).map((r) => ({
          id: r.seq,
          at: r.at,
          actor: { type: r.actor_type, id: r.actor_id },
          action: r.action,
          target: r.target_type ? { type: r.target_type, id: r.target_id } : null,
          data: r.data ? (JSON.parse(r.data) as unknown) : null,
        }));
        return { items, nextBefore: rows.length > query.pageSize ? items[items.length - 1]!.id : null };
      },
    }),
  ];
}
