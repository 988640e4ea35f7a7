import { sql } from 'kysely';
import { z } from 'zod';
import type { Stats } from '../../common/api/lifecycle';
import { activityPage } from '../events/query';
import { route, type AnyRoute } from '../http/route';
import { loadPolicies } from '../settings/policies';

/** The UTC day of a timestamp; literal arguments, so GROUP BY matches the select in PostgreSQL. */
const day = sql<string>`substr(at, 1, 10)`;

/**
 * The dashboard's numbers without reading every user: totals by status and users per role and group
 * come from the trigger-kept counters (`user_counts`, `relation_counts`), the small sets (banned,
 * expired, licensed) from their partial indexes; verification and enrollment from one small index.
 */
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
        const live = ['active', 'inactive'];
        const [buckets, byVerification, small, roles, groups, signIns, policies, recent] = await Promise.all([
          // Totals by status: the trigger-kept counters, one row each.
          db.selectFrom('user_counts').select(['bucket', 'n']).execute(),
          // Verification and enrollment need every live user once: one pass over users_stats (migration 005).
          db
            .selectFrom('users')
            .select(['email_verified', 'enrollment', (eb) => eb.fn.countAll<number>().as('n')])
            .where('deleted_at', 'is', null)
            .groupBy(['email_verified', 'enrollment'])
            .execute(),
          // The rest are small sets, each counted through its partial index: inactive users by reason
          // (users_inactive), expiration dates (users_expires), licences (users_license).
          sql<Record<string, number | string>>`select
              (select count(*) from users where active = 0 and inactive_reason = 'banned' and deleted_at is null) as banned,
              (select count(*) from users where active = 0 and inactive_reason = 'expired' and deleted_at is null)
              + (select count(*) from users where expires_at <= ${now} and deleted_at is null
                  and not (active = 0 and coalesce(inactive_reason, '') = 'expired')) as expired,
              (select count(*) from users where license is not null and deleted_at is null) as licensed`.execute(db),
          // Users per role and per group: relation_counts (migration 004), live buckets only.
          db
            .selectFrom('roles')
            .leftJoin('relation_counts as c', (j) =>
              j.onRef('c.ref_id', '=', 'roles.id').on('c.kind', '=', 'role').on('c.bucket', 'in', live),
            )
            .select(['roles.key', 'roles.name', (eb) => eb.fn.coalesce(eb.fn.sum<number>('c.n'), eb.lit(0)).as('n')])
            .groupBy(['roles.key', 'roles.name'])
            .orderBy('roles.name')
            .execute(),
          db
            .selectFrom('relation_counts as c')
            .innerJoin('groups', 'groups.id', 'c.ref_id')
            .where('c.kind', '=', 'group')
            .where('c.bucket', 'in', live)
            .select(['groups.id', 'groups.name', (eb) => eb.fn.sum<number>('c.n').as('n')])
            .groupBy(['groups.id', 'groups.name'])
            .having((eb) => eb.fn.sum('c.n'), '>', 0)
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
        const bucket = (name: string) => Number(buckets.find((b) => b.bucket === name)?.n ?? 0);
        const total = bucket('active') + bucket('inactive');
        const verified = byVerification.filter((r) => Number(r.email_verified) === 1).reduce((n, r) => n + Number(r.n), 0);
        const enrollment: Record<string, number> = {};
        for (const r of byVerification) enrollment[r.enrollment] = (enrollment[r.enrollment] ?? 0) + Number(r.n);
        const s = small.rows[0]!;
        const n = (k: string) => Number(s[k] ?? 0);
        const perDay = new Map(signIns.map((r) => [String(r.day), Number(r.n)]));
        return {
          users: {
            total,
            active: bucket('active'),
            inactive: bucket('inactive'),
            banned: n('banned'),
            expired: n('expired'),
            trash: bucket('trash'),
            verified,
            unverified: total - verified,
          },
          enrollment,
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
