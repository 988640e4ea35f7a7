import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type {
  CreateJobRequest,
  Job,
  JobAction,
  JobPreview,
  JobReasonCount,
  JobResult,
  JobResultPage,
} from '../../common/api/lifecycle';
import { userListQuerySchema, type UserListQuery } from '../../common/users/query';
import { appendActivity } from '../activity/log';
import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import type { Database } from '../db/schema';
import type { JobsTable } from '../db/schema-lifecycle';
import { ApiError, forbidden, notFound } from '../errors';
import { describeErrors, zodFieldErrors } from '../http/zod-errors';
import { bulkOps } from '../lifecycle/registry';
import { opEnv, parseParams } from '../lifecycle/run';
import type { AnyBulkOp } from '../lifecycle/ops';
import { listOptions } from '../lifecycle/list-options';
import { userConditions } from '../users/list';

type Trx = Transaction<Database>;

export const defaultChunkSize = 250;

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    action: row.action as JobAction,
    params: JSON.parse(row.params) as Record<string, unknown>,
    status: row.status,
    total: row.total,
    processed: row.processed,
    done: row.done,
    skipped: row.skipped,
    failed: row.failed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    cancelledAt: row.cancelled_at,
    createdBy: { type: row.actor_type, id: row.actor_id },
  };
}

/** The operation of an action, once the caller is known to hold its permission. */
export function opFor(action: JobAction, permissions: ReadonlySet<string>): AnyBulkOp {
  const op = bulkOps[action];
  if (!permissions.has(op.permission)) throw forbidden(op.permission);
  return op;
}

/** The users-list filter of a job, parsed like `GET /api/v1/users`; trash actions look in the trash. */
function parseFilter(op: AnyBulkOp, filter: Record<string, string | string[]>): UserListQuery {
  const result = userListQuerySchema.safeParse({ ...(op.filterStatus ? { status: op.filterStatus } : {}), ...filter });
  if (!result.success) {
    const errors = zodFieldErrors(result.error, 'filter');
    throw new ApiError(400, 'validation', `invalid filter: ${describeErrors(errors)}`, { errors });
  }
  return result.data;
}

interface Target {
  /** Every target id, in order, a page at a time. */
  pages(trx: Trx, size: number): AsyncGenerator<string[]>;
  /** Writes the job's items (set-based for filters); returns how many. */
  materialize(trx: Trx, jobId: string, chunkSize: number): Promise<number>;
}

async function targetOf(ctx: ServerContext, op: AnyBulkOp, request: CreateJobRequest): Promise<Target> {
  const hasIds = request.userIds !== undefined;
  const hasFilter = request.filter !== undefined;
  if (hasIds === hasFilter)
    throw new ApiError(400, 'validation', 'give either userIds or filter (all matching users)', {
      errors: [{ field: hasIds ? 'filter' : 'userIds', code: hasIds ? 'conflict' : 'required' }],
    });
  if (hasIds) {
    const ids = [...new Set(request.userIds)];
    return {
      async *pages(_trx, size) {
        for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
      },
      async materialize(trx, jobId, chunkSize) {
        const rows = ids.map((user_id, i) => ({
          job_id: jobId,
          seq: i + 1,
          user_id,
          chunk: Math.floor(i / chunkSize),
          status: 'pending' as const,
        }));
        for (let i = 0; i < rows.length; i += 500)
          await trx
            .insertInto('job_items')
            .values(rows.slice(i, i + 500))
            .execute();
        return rows.length;
      },
    };
  }
  const query = parseFilter(op, request.filter!);
  const options = listOptions(ctx);
  const where = async (trx: Trx) => sql.join(await userConditions(trx, query, options), sql` and `);
  return {
    async *pages(trx, size) {
      const conditions = await where(trx);
      let after = -1;
      for (;;) {
        const rows = await sql<{ id: string; seq: number }>`
          select users.id, users.seq from users where ${conditions} and users.seq > ${after}
          order by users.seq limit ${size}`.execute(trx);
        if (rows.rows.length === 0) return;
        after = Number(rows.rows[rows.rows.length - 1]!.seq);
        yield rows.rows.map((r) => r.id);
      }
    },
    async materialize(trx, jobId, chunkSize) {
      const conditions = await where(trx);
      // The chunk size is a literal: SQLite binds numbers as reals, which would not divide as integers.
      const result = await sql`
        insert into job_items (job_id, seq, user_id, chunk, status)
        select ${jobId}, t.rn, t.id, (t.rn - 1) / ${sql.lit(Math.floor(chunkSize))}, 'pending'
        from (select users.id, row_number() over (order by users.seq) as rn from users where ${conditions}) t`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },
  };
}

class Rollback extends Error {}

/**
 * A dry run: what the action would do to every targeted user (counts, and why some would be
 * skipped or fail), computed with the operation's own plan, in a transaction that is rolled back.
 */
export async function previewJob(ctx: ServerContext, principal: Principal, request: CreateJobRequest): Promise<JobPreview> {
  const op = opFor(request.action, principal.permissions);
  const params = parseParams(op, request.params);
  const target = await targetOf(ctx, op, request);
  const preview: JobPreview = { action: request.action, total: 0, change: 0, skip: 0, fail: 0, reasons: [] };
  const reasons = new Map<string, JobReasonCount>();
  try {
    await ctx.db.kysely.transaction().execute(async (trx) => {
      const env = await opEnv(ctx, trx, principal);
      await op.prepare?.(env, params);
      for await (const ids of target.pages(trx, 500)) {
        const outcomes = await op.plan(env, ids, params);
        for (const id of ids) {
          const o = outcomes.get(id)!;
          preview.total++;
          if (o.status === 'done') {
            preview.change++;
            continue;
          }
          if (o.status === 'skipped') preview.skip++;
          else preview.fail++;
          const key = `${o.status}:${o.code}`;
          const r = reasons.get(key) ?? { status: o.status, code: o.code, message: o.message, count: 0 };
          r.count++;
          reasons.set(key, r);
        }
      }
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  preview.reasons = [...reasons.values()].sort((a, b) => b.count - a.count);
  return preview;
}

/**
 * Creates a job: checks permissions and parameters, writes one item per targeted user (in SQL for
 * "all matching"), and hands the chunks to the work queue. The items are the job's memory: a chunk
 * marks its users done in the same transaction as it changes them, so after a crash the job
 * resumes where it stopped and nobody is processed twice.
 */
export async function createJob(
  ctx: ServerContext,
  principal: Principal,
  request: CreateJobRequest,
  chunkSize = defaultChunkSize,
): Promise<Job> {
  const op = opFor(request.action, principal.permissions);
  const params = parseParams(op, request.params);
  const target = await targetOf(ctx, op, request);
  const id = randomUUID();
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db.kysely.transaction().execute(async (trx) => {
    const env = await opEnv(ctx, trx, principal);
    await op.prepare?.(env, params);
    await trx
      .insertInto('jobs')
      .values({
        id,
        action: op.action,
        params: JSON.stringify(params),
        target: JSON.stringify(request.userIds ? { userIds: request.userIds.length } : { filter: request.filter }),
        status: 'running',
        total: 0,
        processed: 0,
        done: 0,
        skipped: 0,
        failed: 0,
        chunks: 0,
        chunk_size: chunkSize,
        actor_type: principal.actor.type,
        actor_id: principal.actor.id,
        permissions: JSON.stringify([...principal.permissions]),
        created_at: now,
        updated_at: now,
        finished_at: null,
        cancelled_at: null,
      })
      .execute();
    const total = await target.materialize(trx, id, chunkSize);
    const chunks = Math.ceil(total / chunkSize);
    await trx
      .updateTable('jobs')
      .set(total === 0 ? { total, chunks, status: 'done', finished_at: now } : { total, chunks })
      .where('id', '=', id)
      .execute();
    await appendActivity(trx, ctx.clock, principal.actor, {
      action: 'job.created',
      targetType: 'job',
      targetId: id,
      data: { action: op.action, total },
    });
    return trx.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
  if (row.chunks > 0)
    await ctx.background.submitJob(
      id,
      Array.from({ length: row.chunks }, (_, i) => i),
    );
  return toJob(row);
}

export async function getJob(ctx: ServerContext, id: string): Promise<Job> {
  const row = await ctx.db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('job');
  return toJob(row);
}

/**
 * Cancels a running job: its pending users are marked skipped (`cancelled`); a chunk already
 * under way finishes. Items are updated before the job row, in the order chunks lock them.
 */
export async function cancelJob(ctx: ServerContext, principal: Principal, id: string): Promise<Job> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const job = await trx.selectFrom('jobs').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
    if (!job) throw notFound('job');
    if (job.status !== 'running') throw new ApiError(409, 'jobFinished', `the job is already ${job.status}`);
    const now = ctx.clock.now().toISOString();
    const result = await trx
      .updateTable('job_items')
      .set({ status: 'skipped', code: 'cancelled', reason: 'the job was cancelled', processed_at: now })
      .where('job_id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    const n = Number(result.numUpdatedRows);
    await trx
      .updateTable('jobs')
      .set((eb) => ({
        status: 'cancelled',
        cancelled_at: now,
        finished_at: now,
        updated_at: now,
        skipped: eb('skipped', '+', n),
        processed: eb('processed', '+', n),
      }))
      .where('id', '=', id)
      .execute();
    await appendActivity(trx, ctx.clock, principal.actor, {
      action: 'job.cancelled',
      targetType: 'job',
      targetId: id,
      data: { pending: n },
    });
  });
  return getJob(ctx, id);
}

/** Per-user results in job order, paged in SQL, with usernames joined in (none after a purge). */
export async function jobResults(
  ctx: ServerContext,
  id: string,
  query: { status?: JobResult['status']; page: number; pageSize: number },
): Promise<JobResultPage> {
  await getJob(ctx, id);
  const db = ctx.db.kysely;
  let base = db.selectFrom('job_items').where('job_items.job_id', '=', id);
  if (query.status) base = base.where('job_items.status', '=', query.status);
  const rows = await base
    .leftJoin('users', 'users.id', 'job_items.user_id')
    .select([
      'job_items.user_id',
      'users.username',
      'job_items.status',
      'job_items.code',
      'job_items.reason',
      'job_items.processed_at',
    ])
    .orderBy('job_items.seq')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      userId: r.user_id,
      username: r.username ?? null,
      status: r.status,
      code: r.code,
      reason: r.reason,
      processedAt: r.processed_at,
    })),
    total: Number(total.n),
    page: query.page,
    pageSize: query.pageSize,
  };
}
