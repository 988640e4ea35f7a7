import { sql, type Expression, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { ActivityPage } from '../../common/api/lifecycle';
import { activityPage } from '../events/query';
import { activityQuery } from '../events/routes';
import { route, type AnyRoute } from '../http/route';

export function activityRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/activity',
      access: 'activity.read',
      tag: 'activity',
      summary: 'The append-only activity log, newest first, keyset-paged by `before`; by target, actor, type and date',
      query: activityQuery.extend({
        targetType: z.string().max(50).optional(),
        targetId: z.string().max(100).optional(),
        actorId: z.string().max(100).optional(),
      }),
      async handler({ query, ctx }): Promise<ActivityPage> {
        const scope: Expression<SqlBool>[] = [];
        if (query.targetType) scope.push(sql<SqlBool>`a.target_type = ${query.targetType}`);
        if (query.targetId) scope.push(sql<SqlBool>`a.target_id = ${query.targetId}`);
        if (query.actorId) scope.push(sql<SqlBool>`a.actor_id = ${query.actorId}`);
        return activityPage(ctx.db.kysely, query, scope.length ? sql<SqlBool>`${sql.join(scope, sql` and `)}` : undefined);
      },
    }),
  ];
}
