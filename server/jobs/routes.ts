import { z } from 'zod';
import { jobActions, type Job, type JobPage, type JobPreview } from '../../common/api/lifecycle';
import type { User } from '../../common/users/user';
import { ApiError } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { exportColumns } from '../lifecycle/registry';
import { loadUsers } from '../users/load';
import { csvStream } from './csv';
import { cancelJob, createJob, getJob, jobResults, previewJob, toJob } from './service';

const idParams = z.object({ id: z.string().min(1).max(100) });
const filterValue = z.union([z.string().max(500), z.array(z.string().max(500)).max(100)]);

export const createJobSchema = z
  .object({
    action: z.enum(jobActions),
    params: z.record(z.string(), z.unknown()).optional(),
    userIds: z.array(z.string().min(1).max(100)).min(1).max(100_000).optional(),
    filter: z.record(z.string().max(100), filterValue).optional(),
    dryRun: z.boolean().optional(),
  })
  .strict();

const resultStatus = z.enum(['pending', 'done', 'skipped', 'failed']);

function exportValue(user: User, column: string): unknown {
  if (column.startsWith('cf.')) return user.customFields[column.slice(3)] ?? '';
  if (column === 'groups') return user.groups.map((g) => g.name);
  return (user as unknown as Record<string, unknown>)[column];
}

/** Bulk jobs (DESIGN.md §3, §4): preview, run, progress, cancel, per-user results and CSV. */
export function jobRoutes(): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/api/v1/jobs',
      access: 'jobs.run',
      tag: 'jobs',
      summary: 'Run a bulk action on user ids or on every user matching a filter; dryRun previews it',
      status: 202,
      bodyLimit: 8 * 1024 * 1024,
      body: createJobSchema,
      async handler({ body, principal, ctx, reply }): Promise<Job | JobPreview> {
        if (body.dryRun) return previewJob(ctx, principal!, body);
        const job = await createJob(ctx, principal!, body, ctx.background.chunkSize);
        reply.code(202).header('location', `/api/v1/jobs/${job.id}`);
        return job;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/jobs',
      access: 'jobs.read',
      tag: 'jobs',
      summary: 'Bulk jobs, newest first',
      query: z.object({
        status: z.enum(['running', 'done', 'cancelled', 'failed']).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ query, ctx }): Promise<JobPage> {
        let base = ctx.db.kysely.selectFrom('jobs');
        if (query.status) base = base.where('status', '=', query.status);
        const rows = await base
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return { items: rows.map(toJob), total: Number(total.n), page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/jobs/:id',
      access: 'jobs.read',
      tag: 'jobs',
      summary: "A job's progress: total, processed, done, skipped, failed",
      params: idParams,
      async handler({ params, ctx }) {
        return getJob(ctx, params.id);
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/jobs/:id/cancel',
      access: 'jobs.run',
      tag: 'jobs',
      summary: 'Cancel a running job (the users not reached yet are skipped)',
      params: idParams,
      body: z.object({}).strict().optional(),
      async handler({ params, principal, ctx }) {
        return cancelJob(ctx, principal!, params.id);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/jobs/:id/results',
      access: 'jobs.read',
      tag: 'jobs',
      summary: 'Per-user results of a job: done, skipped or failed with the reason',
      params: idParams,
      query: z.object({
        status: resultStatus.optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ params, query, ctx }) {
        return jobResults(ctx, params.id, query);
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/jobs/:id/results.csv',
      access: 'jobs.read',
      tag: 'jobs',
      summary: 'Per-user results of a job as CSV',
      params: idParams,
      query: z.object({ status: resultStatus.optional() }),
      async handler({ params, query, ctx, reply }) {
        const job = await getJob(ctx, params.id);
        const db = ctx.db.kysely;
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="job-${job.id}-results.csv"`);
        return csvStream(['userId', 'username', 'status', 'code', 'reason', 'processedAt'], async function* () {
          let after = 0;
          for (;;) {
            let q = db
              .selectFrom('job_items')
              .leftJoin('users', 'users.id', 'job_items.user_id')
              .select([
                'job_items.seq',
                'job_items.user_id',
                'users.username',
                'job_items.status',
                'job_items.code',
                'job_items.reason',
                'job_items.processed_at',
              ])
              .where('job_items.job_id', '=', job.id)
              .where('job_items.seq', '>', after);
            if (query.status) q = q.where('job_items.status', '=', query.status);
            const rows = await q.orderBy('job_items.seq').limit(1000).execute();
            if (rows.length === 0) return;
            after = rows[rows.length - 1]!.seq;
            yield rows.map((r) => [r.user_id, r.username, r.status, r.code, r.reason, r.processed_at]);
          }
        });
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/jobs/:id/export.csv',
      access: 'users.read',
      tag: 'jobs',
      summary: 'The file of an export job: the selected users with the chosen columns, as CSV',
      params: idParams,
      async handler({ params, ctx, reply }) {
        const job = await getJob(ctx, params.id);
        if (job.action !== 'export') throw new ApiError(409, 'notAnExport', 'this job is not an export');
        const columns = (job.params.columns as string[] | undefined) ?? [...exportColumns];
        const db = ctx.db.kysely;
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="users-${job.id}.csv"`);
        return csvStream(columns, async function* () {
          let after = 0;
          for (;;) {
            const rows = await db
              .selectFrom('job_items')
              .select(['seq', 'user_id'])
              .where('job_id', '=', job.id)
              .where('status', '=', 'done')
              .where('seq', '>', after)
              .orderBy('seq')
              .limit(500)
              .execute();
            if (rows.length === 0) return;
            after = rows[rows.length - 1]!.seq;
            const users = await loadUsers(
              db,
              rows.map((r) => r.user_id),
            );
            yield users.map((u) => columns.map((c) => exportValue(u, c)));
          }
        });
      },
    }),
  ];
}
