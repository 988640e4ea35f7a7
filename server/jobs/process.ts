import { sql } from 'kysely';
import type { JobAction } from '../../common/api/lifecycle';
import type { Actor } from '../activity/log';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { MailDelivery } from '../mail/delivery';
import { bulkOps } from '../lifecycle/registry';
import { runOp, type Outcome } from '../lifecycle/ops';
import { opEnv } from '../lifecycle/run';
import { isPermission } from '../roles/permissions';

export interface ChunkReport {
  processed: number;
}

/**
 * Processes the pending users of one chunk of a job, in one transaction: the operation's changes,
 * the items' results and the job's counters commit together. On PostgreSQL the items are locked
 * with SKIP LOCKED, so two instances given the same chunk never process a user twice.
 */
export async function processChunk(ctx: ServerContext, jobId: string, chunk: number, worker: string): Promise<ChunkReport> {
  try {
    return await processItems(ctx, jobId, chunk, worker, null);
  } catch (error) {
    // One user broke the batch (a bug, a constraint): redo the chunk user by user so the others go on.
    const pending = await ctx.db.kysely
      .selectFrom('job_items')
      .select('seq')
      .where('job_id', '=', jobId)
      .where('chunk', '=', chunk)
      .where('status', '=', 'pending')
      .orderBy('seq')
      .execute();
    let processed = 0;
    for (const { seq } of pending) {
      try {
        processed += (await processItems(ctx, jobId, chunk, worker, seq)).processed;
      } catch (itemError) {
        await recordFailure(ctx, jobId, seq, worker, itemError);
        processed++;
      }
    }
    if (pending.length === 0) throw error;
    return { processed };
  }
}

async function processItems(
  ctx: ServerContext,
  jobId: string,
  chunk: number,
  worker: string,
  onlySeq: number | null,
): Promise<ChunkReport> {
  let mail = false;
  const report = await ctx.db.kysely.transaction().execute(async (trx) => {
    const job = await trx.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
    if (!job || job.status !== 'running') return { processed: 0 };
    let q = trx
      .selectFrom('job_items')
      .select(['seq', 'user_id'])
      .where('job_id', '=', jobId)
      .where('chunk', '=', chunk)
      .where('status', '=', 'pending')
      .orderBy('seq');
    if (onlySeq !== null) q = q.where('seq', '=', onlySeq);
    if (ctx.db.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const items = await q.execute();
    if (items.length === 0) return { processed: 0 };
    const op = bulkOps[job.action as JobAction];
    const actor: Actor = { type: job.actor_type as Actor['type'], id: job.actor_id };
    const permissions = new Set((JSON.parse(job.permissions) as string[]).filter(isPermission));
    const env = await opEnv(ctx, trx, { actor, permissions }, jobId);
    const params = JSON.parse(job.params) as Record<string, unknown>;
    const ids = items.map((i) => i.user_id);
    let outcomes: Map<string, Outcome>;
    try {
      await op.prepare?.(env, params);
      outcomes = await runOp(env, op, ids, params);
    } catch (error) {
      // The parameters no longer hold (a group or badge was deleted since): every user fails with why.
      if (!(error instanceof ApiError) || onlySeq !== null) throw error;
      outcomes = new Map(ids.map((id) => [id, { status: 'failed', code: error.code, message: error.message } as Outcome]));
    }
    const now = ctx.clock.now().toISOString();
    const groups = new Map<string, { outcome: Outcome; seqs: number[] }>();
    for (const item of items) {
      const outcome = outcomes.get(item.user_id) ?? { status: 'failed', code: 'internal', message: 'no outcome' };
      const key = outcome.status === 'done' ? 'done' : `${outcome.status}\u0000${outcome.code}\u0000${outcome.message}`;
      const g = groups.get(key) ?? { outcome, seqs: [] };
      g.seqs.push(item.seq);
      groups.set(key, g);
    }
    const counts = { done: 0, skipped: 0, failed: 0 };
    for (const { outcome, seqs } of groups.values()) {
      counts[outcome.status] += seqs.length;
      await trx
        .updateTable('job_items')
        .set({
          status: outcome.status,
          code: outcome.status === 'done' ? null : outcome.code,
          reason: outcome.status === 'done' ? null : outcome.message,
          processed_at: now,
          worker,
        })
        .where('job_id', '=', jobId)
        .where('seq', 'in', seqs)
        .execute();
    }
    await trx
      .updateTable('jobs')
      .set((eb) => ({
        processed: eb('processed', '+', items.length),
        done: eb('done', '+', counts.done),
        skipped: eb('skipped', '+', counts.skipped),
        failed: eb('failed', '+', counts.failed),
        updated_at: now,
      }))
      .where('id', '=', jobId)
      .execute();
    mail = !!env.mailQueued;
    return { processed: items.length };
  });
  if (mail) MailDelivery.kickAll();
  if (report.processed > 0) await finishIfComplete(ctx, jobId);
  return report;
}

async function recordFailure(ctx: ServerContext, jobId: string, seq: number, worker: string, error: unknown): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await ctx.db.kysely.transaction().execute(async (trx) => {
    const marked = await trx
      .updateTable('job_items')
      .set({
        status: 'failed',
        code: error instanceof ApiError ? error.code : 'internal',
        reason: error instanceof ApiError ? error.message : 'the server failed to process this user',
        processed_at: now,
        worker,
      })
      .where('job_id', '=', jobId)
      .where('seq', '=', seq)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 1)
      await trx
        .updateTable('jobs')
        .set((eb) => ({ processed: eb('processed', '+', 1), failed: eb('failed', '+', 1), updated_at: now }))
        .where('id', '=', jobId)
        .execute();
  });
  await finishIfComplete(ctx, jobId);
}

/** Marks the job done once no item is pending (whichever instance finished the last chunk). */
export async function finishIfComplete(ctx: ServerContext, jobId: string): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await sql`update jobs set status = 'done', finished_at = ${now}, updated_at = ${now}
    where id = ${jobId} and status = 'running'
    and not exists (select 1 from job_items where job_id = ${jobId} and status = 'pending')`.execute(ctx.db.kysely);
}

/** The chunks of running jobs that still have pending users (to resume after a restart). */
export async function pendingChunks(ctx: ServerContext): Promise<{ jobId: string; chunk: number }[]> {
  const rows = await ctx.db.kysely
    .selectFrom('job_items')
    .innerJoin('jobs', 'jobs.id', 'job_items.job_id')
    .select(['job_items.job_id', 'job_items.chunk'])
    .where('jobs.status', '=', 'running')
    .where('job_items.status', '=', 'pending')
    .groupBy(['job_items.job_id', 'job_items.chunk', 'jobs.created_at'])
    .orderBy('jobs.created_at')
    .orderBy('job_items.chunk')
    .execute();
  return rows.map((r) => ({ jobId: r.job_id, chunk: r.chunk }));
}
