import { sql } from 'kysely';
import { z } from 'zod';
import type { Stats } from '../../common/api/lifecycle';
import { activityPage } from '../events/query';
import { route, type AnyRoute } from '../http/route';
import { loadPolicies } from '../settings/policies';

/** The dashboard's numbers, each one aggregate query in SQL. */
/** The UTC day of a timestamp; literal arguments, so GROUP BY matches the select in PostgreSQL. */
const day = sql<string>`substr(at, 1, 10)`;

export function statsRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/stats',
      access: 'stats.read',
      tag: 'stats',
      summary: 'Counts by status, verification, enrollment, role and group; sign-ins per day; licences; recent activity',
      query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      async handler({ query, ctx }): Promise<Stats> {
        const db = ctx.db.kysely;
        const now = ctx.clock.now().toISOString();
        const today = Date.parse(now.slice(0, 10));
        const since = new Date(today - (query.days - 1) * 86_400_000).toISOString();
        const [status, enrollment, roles, groups, signIns, policies, recent] = await Promise.all([
          sql<Record<string, number | string>>`
            select count(*) as total,
              coalesce(sum(case when active = 1 then 1 else 0 end), 0) as active,
              coalesce(sum(case when active = 0 then 1 else 0 end), 0) as inactive,
              coalesce(sum(case when active = 0 and inactive_reason = 'banned' then 1 else 0 end), 0) as banned,
              coalesce(sum(case when inactive_reason = 'expired' or (expires_at is not null and expires_at <= ${now}) then 1 else 0 end), 0) as expired,
              coalesce(sum(case when email_verified = 1 then 1 else 0 end), 0) as verified,
              coalesce(sum(case when license is not null then 1 else 0 end), 0) as licensed
            from users where deleted_at is null`.execute(db),
          db
            .selectFrom('users')
            .select(['enrollment', (eb) => eb.fn.countAll<number>().as('n')])
            .where('deleted_at', 'is', null)
            .groupBy('enrollment')
            .execute(),
          db
            .selectFrom('roles')
            .leftJoin('user_roles', 'user_roles.role_id', 'roles.id')
            .leftJoin('users', (j) => j.onRef('users.id', '=', 'user_roles.user_id').on('users.deleted_at', 'is', null))
            .select(['roles.key', 'roles.name', (eb) => eb.fn.count<number>('users.id').as('n')])
            .groupBy(['roles.key', 'roles.name'])
            .orderBy('roles.name')
            .execute(),
          db
            .selectFrom('group_members')
            .innerJoin('groups', 'groups.id', 'group_members.group_id')
            .innerJoin('users', 'users.id', 'group_members.user_id')
            .where('users.deleted_at', 'is', null)
            .select(['groups.id', 'groups.name', (eb) => eb.fn.countAll<number>().as('n')])
            .groupBy(['groups.id', 'groups.name'])
            .orderBy('n', 'desc')
            .orderBy('groups.name')
            .limit(10)
            .execute(),
          db
            .selectFrom('activity_log')
            .select((eb) => [day.as('day'), eb.fn.countAll<number>().as('n')])
            .where('action', '=', 'auth.login')
            .where('at', '>=', since)
            .groupBy(day)
            .execute(),
          loadPolicies(db),
          activityPage(db, { pageSize: 10 }),
        ]);
        const trash = await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('deleted_at', 'is not', null)
          .executeTakeFirstOrThrow();
        const s = status.rows[0]!;
        const n = (k: string) => Number(s[k] ?? 0);
        const perDay = new Map(signIns.map((r) => [String(r.day), Number(r.n)]));
        return {
          users: {
            total: n('total'),
            active: n('active'),
            inactive: n('inactive'),
            banned: n('banned'),
            expired: n('expired'),
            trash: Number(trash.n),
            verified: n('verified'),
            unverified: n('total') - n('verified'),
          },
          enrollment: Object.fromEntries(enrollment.map((e) => [e.enrollment, Number(e.n)])),
          roles: roles.map((r) => ({ key: r.key, name: r.name, count: Number(r.n) })),
          groups: groups.map((g) => ({ id: g.id, name: g.name, count: Number(g.n) })),
          signInsPerDay: Array.from({ length: query.days }, (_, i) => {
            const day = new Date(today - (query.days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
            return { day, count: perDay.get(day) ?? 0 };
          }),
          licenses: { used: n('licensed'), pool: policies.licensePool },
          recentActivity: recent.items,
        };
      },
    }),
  ];
}
