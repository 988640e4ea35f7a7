import { sql, type Transaction, type Updateable } from 'kysely';
import type { z } from 'zod';
import type { JobAction } from '../../common/api/lifecycle';
import type { Policies } from '../../common/users/policies';
import type { Actor } from '../activity/log';
import type { Clock } from '../clock';
import type { Database, UsersTable } from '../db/schema';
import { ApiError } from '../errors';
import type { Permission } from '../roles/permissions';

/** Everything a lifecycle operation needs, inside one transaction. */
export interface OpEnv {
  db: Transaction<Database>;
  clock: Clock;
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  policies: Policies;
  /** Links in mails start with this. */
  baseUrl: string;
  /** Set when the operation runs as part of a bulk job (logged with each change). */
  jobId?: string;
  /** Set by operations that queued mails, so the caller wakes the delivery after commit. */
  mailQueued?: boolean;
}

/** What happened (or, in a preview, would happen) to one user. */
export type Outcome =
  | { status: 'done' }
  | { status: 'skipped' | 'failed'; code: string; message: string; /** HTTP status for single-user routes. */ http?: number };

export const done: Outcome = { status: 'done' };
export const skip = (code: string, message: string): Outcome => ({ status: 'skipped', code, message });
export const fail = (code: string, message: string, http = 409): Outcome => ({ status: 'failed', code, message, http });

/**
 * One lifecycle operation, written for a batch of users so that single-user routes and bulk jobs
 * share it: `plan` decides in a few SQL queries what happens to each user (a job's dry run stops
 * there), `apply` changes the users plan accepted with set-based statements.
 */
export interface BulkOp<P = Record<string, unknown>> {
  action: JobAction;
  /** The operation's own permission (a job needs `jobs.run` as well). */
  permission: Permission;
  params: z.ZodType<P>;
  /** The operation works on users in the trash too (restore, purge, anonymize, export). */
  trash?: boolean;
  /** The status a job's filter means when it names none (restore and purge look in the trash). */
  filterStatus?: 'trash';
  /** Checks the parameters against the database once (unknown tag, role…) and may refuse the whole request. */
  prepare?(env: OpEnv, params: P): Promise<void>;
  plan(env: OpEnv, ids: string[], params: P): Promise<Map<string, Outcome>>;
  apply(env: OpEnv, ids: string[], params: P): Promise<Map<string, Outcome> | void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBulkOp = BulkOp<any>;

/** Plans and applies an operation to a batch; returns every user's outcome. */
export async function runOp<P>(env: OpEnv, op: BulkOp<P>, ids: string[], params: P): Promise<Map<string, Outcome>> {
  const outcomes = await op.plan(env, ids, params);
  const todo = ids.filter((id) => outcomes.get(id)?.status === 'done');
  if (todo.length) {
    const applied = await op.apply(env, todo, params);
    if (applied) for (const [id, outcome] of applied) outcomes.set(id, outcome);
  }
  return outcomes;
}

/** Turns a single user's failure into the HTTP error the admin API answers. */
export function throwIfFailed(outcome: Outcome | undefined): void {
  if (!outcome) throw new ApiError(404, 'notFound', 'user not found');
  if (outcome.status === 'failed')
    throw new ApiError(outcome.http ?? 409, outcome.code, outcome.message, {
      errors: outcome.http === 400 ? [{ field: 'params', code: outcome.code }] : undefined,
    });
}

export interface TargetRow {
  id: string;
  username: string;
  email: string | null;
  first_name: string;
  last_name: string;
  display_name: string | null;
  language: string | null;
  language_locked: number;
  active: number;
  inactive_reason: string | null;
  deleted_at: string | null;
  anonymized_at: string | null;
  expires_at: string | null;
  license: string | null;
  enrollment: string;
  invitation_resends: number;
  last_login_at: string | null;
  login_count: number;
  welcome_sent_at: string | null;
  has_password: number;
}

/** The rows of a batch, in one query per 500 ids. */
export async function loadTargets(env: OpEnv, ids: string[]): Promise<Map<string, TargetRow>> {
  const out = new Map<string, TargetRow>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await env.db
      .selectFrom('users')
      .select([
        'id',
        'username',
        'email',
        'first_name',
        'last_name',
        'display_name',
        'language',
        'language_locked',
        'active',
        'inactive_reason',
        'deleted_at',
        'anonymized_at',
        'expires_at',
        'license',
        'enrollment',
        'invitation_resends',
        'last_login_at',
        'login_count',
        'welcome_sent_at',
      ])
      .select(sql<number>`case when password_hash is null then 0 else 1 end`.as('has_password'))
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.id, { ...row, has_password: Number(row.has_password) });
  }
  return out;
}

/**
 * The usual first decisions of every operation: unknown users fail, users in the trash fail (or,
 * for trash operations, users outside it), then `decide` settles the rest.
 */
export async function classify(
  env: OpEnv,
  ids: string[],
  options: { trash?: boolean },
  decide: (row: TargetRow) => Outcome,
): Promise<{ outcomes: Map<string, Outcome>; rows: Map<string, TargetRow> }> {
  const rows = await loadTargets(env, ids);
  const outcomes = new Map<string, Outcome>();
  for (const id of ids) {
    const row = rows.get(id);
    if (!row) outcomes.set(id, fail('notFound', 'no user with this id', 404));
    else if (!options.trash && row.deleted_at)
      outcomes.set(id, fail('inTrash', 'the user is in the trash: restore them first', 409));
    else outcomes.set(id, decide(row));
  }
  return { outcomes, rows };
}

/** Updates users in chunks, bumping their version and update time. */
export async function touchUsers(env: OpEnv, ids: string[], set: Updateable<UsersTable>): Promise<void> {
  const now = env.clock.now().toISOString();
  for (let i = 0; i < ids.length; i += 500)
    await env.db
      .updateTable('users')
      .set({ ...set, updated_at: now, version: sql<number>`version + 1` })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
}

/** One activity entry per user, in multi-row inserts; a job's entries name the job. */
export async function logUsers(env: OpEnv, action: string, ids: string[], data?: Record<string, unknown>): Promise<void> {
  const at = env.clock.now().toISOString();
  const payload = { ...(data ?? {}), ...(env.jobId ? { job: env.jobId } : {}) };
  const text = Object.keys(payload).length ? JSON.stringify(payload) : null;
  for (let i = 0; i < ids.length; i += 500)
    await env.db
      .insertInto('activity_log')
      .values(
        ids.slice(i, i + 500).map((id) => ({
          at,
          actor_type: env.actor.type,
          actor_id: env.actor.id,
          action,
          target_type: 'user',
          target_id: id,
          data: text,
        })),
      )
      .execute();
}

export const displayName = (row: Pick<TargetRow, 'display_name' | 'first_name' | 'last_name' | 'username'>): string =>
  row.display_name?.trim() || `${row.first_name} ${row.last_name}`.trim() || row.username;
