import { sql } from 'kysely';
import type { SweepReport } from '../../common/api/lifecycle';
import { appendActivity, systemActor } from '../activity/log';
import type { ServerContext } from '../context';
import { MailDelivery } from '../mail/delivery';
import { impersonatorActor } from '../portal/session';
import { permissions } from '../roles/permissions';
import { initSetting, writeSetting } from '../settings/store';
import { logUsers, type OpEnv } from './ops';
import { opEnv } from './run';
import { deactivateUsers } from './status';
import { purgeUsers } from './trash';

export type { SweepReport };

const batch = 500;
const system = { actor: systemActor, permissions: new Set(permissions) };

/** Runs `step` on batches of ids, each batch in its own transaction, until `select` finds none. */
async function inBatches(
  ctx: ServerContext,
  select: (env: OpEnv) => Promise<string[]>,
  step: (env: OpEnv, ids: string[]) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await ctx.db.kysely.transaction().execute(async (trx) => {
      const env = await opEnv(ctx, trx, system);
      const ids = await select(env);
      if (ids.length) await step(env, ids);
      return ids.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

/** Scheduled runs closer than this are one run: whichever instance claims it first does it. */
const minGapMs = 50_000;

/**
 * Claims this run with a compare-and-set on the time of the last one, so that two instances (or a
 * start and a tick) never sweep twice in a row, whatever the queue does.
 */
async function claimRun(ctx: ServerContext): Promise<boolean> {
  const nowMs = ctx.clock.now().getTime();
  await initSetting(ctx.db.kysely, 'lastSweepAt', 0);
  const result = await sql`update settings set value = ${String(nowMs)}
    where key = 'lastSweepAt' and cast(value as bigint) < ${nowMs - minGapMs}`.execute(ctx.db.kysely);
  return Number(result.numAffectedRows ?? 0) === 1;
}

async function previousRun(ctx: ServerContext): Promise<string> {
  const row = await ctx.db.kysely.selectFrom('settings').select('value').where('key', '=', 'previousSweepAt').executeTakeFirst();
  await writeSetting(ctx.db.kysely, 'previousSweepAt', ctx.clock.now().toISOString());
  return row ? (JSON.parse(row.value) as string) : '';
}

async function forgottenSince(ctx: ServerContext, since: string): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('activity_log')
    .select('seq')
    .where('action', 'in', ['user.anonymized', 'user.purged'])
    .where('at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

/**
 * The scheduled sweeps of DESIGN.md §5, each a policy: accounts past their expiration date are
 * deactivated, so are accounts unused for the inactivity period (administrators excepted, so the
 * directory never locks itself out), unanswered invitations expire, the trash is purged after its
 * retention, and ended impersonations are logged. Every step is a conditional update, so a run
 * that overlaps another changes nothing twice; the run itself is logged with its counts.
 */
export async function runSweeps(ctx: ServerContext, options: { force?: boolean } = {}): Promise<SweepReport | null> {
  if (!options.force && !(await claimRun(ctx))) return null;
  const now = () => ctx.clock.now().toISOString();
  const started = await previousRun(ctx);
  const report: SweepReport = {
    expired: 0,
    inactive: 0,
    invitationsExpired: 0,
    purged: 0,
    impersonationsEnded: 0,
    tokensRemoved: 0,
  };

  report.expired = await inBatches(
    ctx,
    async (env) =>
      (
        await env.db
          .selectFrom('users')
          .select('id')
          .where('active', '=', 1)
          .where('deleted_at', 'is', null)
          .where('expires_at', 'is not', null)
          .where('expires_at', '<=', now())
          .limit(batch)
          .execute()
      ).map((r) => r.id),
    (env, ids) => deactivateUsers(env, ids, 'expired'),
  );

  report.inactive = await inBatches(
    ctx,
    async (env) => {
      const days = env.policies.inactivityDays;
      if (days === null) return [];
      const cutoff = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
      const rows = await sql<{ id: string }>`
        select u.id from users u where u.active = 1 and u.deleted_at is null
        and coalesce(u.last_login_at, u.created_at) < ${cutoff}
        and not exists (select 1 from user_roles ur join roles r on r.id = ur.role_id
                        where ur.user_id = u.id and r.key = 'administrator')
        limit ${batch}`.execute(env.db);
      return rows.rows.map((r) => r.id);
    },
    (env, ids) => deactivateUsers(env, ids, 'inactivity'),
  );

  report.invitationsExpired = await inBatches(
    ctx,
    async (env) => {
      const rows = await sql<{ id: string }>`
        select u.id from users u where u.enrollment = 'sent' and u.last_login_at is null
        and not exists (select 1 from user_tokens t where t.user_id = u.id and t.kind = 'invitation'
                        and t.used_at is null and t.expires_at > ${now()})
        limit ${batch}`.execute(env.db);
      return rows.rows.map((r) => r.id);
    },
    async (env, ids) => {
      await env.db
        .updateTable('users')
        .set({ enrollment: 'expired' })
        .where('id', 'in', ids)
        .where('enrollment', '=', 'sent')
        .execute();
      await logUsers(env, 'user.invitationExpired', ids);
    },
  );

  report.purged = await inBatches(
    ctx,
    async (env) => {
      const cutoff = new Date(ctx.clock.now().getTime() - env.policies.trashRetentionDays * 86_400_000).toISOString();
      return (
        await env.db
          .selectFrom('users')
          .select('id')
          .where('deleted_at', 'is not', null)
          .where('deleted_at', '<=', cutoff)
          .limit(batch)
          .execute()
      ).map((r) => r.id);
    },
    (env, ids) => purgeUsers(env, ids),
  );

  report.impersonationsEnded = await inBatches(
    ctx,
    async (env) =>
      (
        await env.db
          .selectFrom('auth_sessions')
          .select('id')
          .where('kind', '=', 'impersonation')
          .where('revoked_at', 'is', null)
          .where('expires_at', '<=', now())
          .limit(batch)
          .execute()
      ).map((r) => r.id),
    async (env, ids) => {
      const rows = await env.db
        .selectFrom('auth_sessions')
        .select(['id', 'user_id', 'impersonator_id', 'expires_at'])
        .where('id', 'in', ids)
        .execute();
      await env.db.updateTable('auth_sessions').set({ revoked_at: now() }).where('id', 'in', ids).execute();
      await env.db.deleteFrom('portal_cookies').where('session_id', 'in', ids).execute();
      for (const r of rows)
        await appendActivity(env.db, ctx.clock, await impersonatorActor(env.db, r.impersonator_id), {
          action: 'impersonation.ended',
          targetType: 'user',
          targetId: r.user_id,
          data: { session: r.id, expired: true },
        });
    },
  );

  const week = new Date(ctx.clock.now().getTime() - 7 * 86_400_000).toISOString();
  const removed = await ctx.db.kysely.deleteFrom('user_tokens').where('expires_at', '<', week).executeTakeFirst();
  report.tokensRemoved = Number(removed.numDeletedRows);

  // SQLite's full-text index keeps replaced terms in older segments until they merge: after people
  // were anonymised or purged, merge them so their names leave the file too.
  if (ctx.db.dialect === 'sqlite' && (report.purged > 0 || (await forgottenSince(ctx, started))))
    await sql`insert into users_fts (users_fts) values ('optimize')`.execute(ctx.db.kysely);

  await appendActivity(ctx.db.kysely, ctx.clock, systemActor, { action: 'sweep.run', data: { ...report } });
  MailDelivery.kickAll();
  return report;
}
