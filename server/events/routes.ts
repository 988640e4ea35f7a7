import { sql } from 'kysely';
import { z } from 'zod';
import type { EventIngestResponse, LastAccess } from '../../common/api/lifecycle';
import { notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { aboutUser, activityPage } from './query';

const idParams = z.object({ id: z.string().min(1).max(100) });

const eventSchema = z
  .object({
    userId: z.string().min(1).max(100).optional(),
    username: z.string().min(1).max(254).optional(),
    type: z.enum(['page', 'feature']),
    name: z.string().trim().min(1).max(500),
    app: z.string().trim().min(1).max(100).optional(),
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((e) => !!e.userId !== !!e.username, { message: 'give userId or username', path: ['userId'] });

export const activityQuery = z.object({
  type: z.string().max(100).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  before: z.coerce.number().int().positive().optional(),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

/**
 * What applications tell the directory about their users' visits (`POST /api/v1/events`), and the
 * per-user views of the activity log: the timeline and the last-access chart.
 */
/** The UTC day of a timestamp; literal arguments, so GROUP BY matches the select in PostgreSQL. */
const day = sql<string>`substr(at, 1, 10)`;

export function eventRoutes(): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/events',
      access: 'events.ingest',
      tag: 'activity',
      summary: 'Record the pages and features users accessed (up to 1,000 events a request)',
      bodyLimit: 4 * 1024 * 1024,
      body: z.object({ events: z.array(eventSchema).min(1).max(1000) }).strict(),
      async handler({ body, principal, ctx }): Promise<EventIngestResponse> {
        const db = ctx.db.kysely;
        const ids = [...new Set(body.events.map((e) => e.userId).filter((v): v is string => !!v))];
        const names = [...new Set(body.events.map((e) => e.username?.trim().toLowerCase()).filter((v): v is string => !!v))];
        const known = new Map<string, string>();
        const anonymized = new Set<string>();
        for (let i = 0; i < ids.length; i += 500)
          for (const r of await db
            .selectFrom('users')
            .select(['id', 'anonymized_at'])
            .where('id', 'in', ids.slice(i, i + 500))
            .execute()) {
            known.set(`id:${r.id}`, r.id);
            if (r.anonymized_at) anonymized.add(r.id);
          }
        for (let i = 0; i < names.length; i += 500)
          for (const r of await db
            .selectFrom('users')
            .select(['id', 'username_lower', 'anonymized_at'])
            .where('username_lower', 'in', names.slice(i, i + 500))
            .execute()) {
            known.set(`name:${r.username_lower}`, r.id);
            if (r.anonymized_at) anonymized.add(r.id);
          }
        const now = ctx.clock.now().toISOString();
        const rejected: EventIngestResponse['rejected'] = [];
        const rows = [];
        for (const [index, e] of body.events.entries()) {
          const id = known.get(e.userId ? `id:${e.userId}` : `name:${e.username!.trim().toLowerCase()}`);
          if (!id) rejected.push({ index, code: 'unknownUser', message: 'no such user' });
          else if (anonymized.has(id)) rejected.push({ index, code: 'anonymized', message: 'the user is anonymized' });
          else
            rows.push({
              at: e.at ? new Date(e.at).toISOString() : now,
              actor_type: principal!.actor.type,
              actor_id: principal!.actor.id,
              action: `access.${e.type}`,
              target_type: 'user',
              target_id: id,
              data: JSON.stringify({ name: e.name, ...(e.app ? { app: e.app } : {}) }),
            });
        }
        for (let i = 0; i < rows.length; i += 500)
          await db
            .insertInto('activity_log')
            .values(rows.slice(i, i + 500))
            .execute();
        return { accepted: rows.length, rejected };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/activity',
      access: 'activity.read',
      tag: 'activity',
      summary: "A user's timeline: what they did and what was done to them, newest first, by type and date",
      params: idParams,
      query: activityQuery,
      async handler({ params, query, ctx }) {
        if (!(await ctx.db.kysely.selectFrom('users').select('id').where('id', '=', params.id).executeTakeFirst()))
          throw notFound('user');
        return activityPage(ctx.db.kysely, query, aboutUser(params.id));
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/last-access',
      access: 'activity.read',
      tag: 'activity',
      summary: "A user's last access: when, accesses per day and the latest pages and features",
      params: idParams,
      query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
      async handler({ params, query, ctx }): Promise<LastAccess> {
        const db = ctx.db.kysely;
        if (!(await db.selectFrom('users').select('id').where('id', '=', params.id).executeTakeFirst())) throw notFound('user');
        const access = db
          .selectFrom('activity_log')
          .where('target_type', '=', 'user')
          .where('target_id', '=', params.id)
          .where('action', 'in', ['access.page', 'access.feature']);
        const today = Date.parse(ctx.clock.now().toISOString().slice(0, 10));
        const since = new Date(today - (query.days - 1) * 86_400_000).toISOString();
        const [last, days, recent] = await Promise.all([
          access.select((eb) => eb.fn.max('at').as('at')).executeTakeFirst(),
          access
            .select((eb) => [day.as('day'), eb.fn.countAll<number>().as('n')])
            .where('at', '>=', since)
            .groupBy(day)
            .execute(),
          access.select(['at', 'action', 'data']).orderBy('at', 'desc').orderBy('seq', 'desc').limit(20).execute(),
        ]);
        const counts = new Map(days.map((d) => [String(d.day), Number(d.n)]));
        const perDay = Array.from({ length: query.days }, (_, i) => {
          const day = new Date(today - (query.days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
          return { day, count: counts.get(day) ?? 0 };
        });
        return {
          lastAccessAt: (last?.at as string | null | undefined) ?? null,
          perDay,
          recent: recent.map((r) => {
            const data = r.data ? (JSON.parse(r.data) as { name?: string; app?: string; redacted?: boolean }) : {};
            return {
              at: r.at,
              type: r.action === 'access.feature' ? 'feature' : 'page',
              name: data.name ?? '(redacted)',
              app: data.app ?? null,
            };
          }),
        };
      },
    }),
  ];
}
