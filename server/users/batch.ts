import type { BatchRequest, BatchResult, BatchRow } from '../../common/api/admin';
import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import { noteBulkWrites } from '../db/statistics';
import { ApiError } from '../errors';
import { withWriteEnv } from './service';
import { createUsers, updateUser, type WriteEnv } from './write';

const reasonOf = (error: ApiError): BatchResult['reason'] => ({
  code: error.extra.errors?.[0]?.code ?? error.code,
  ...(error.extra.errors?.[0]?.field ? { field: error.extra.errors[0].field } : {}),
  message: error.message,
});

/**
 * `POST /api/v1/users/batch`: every row ends created, updated, skipped or failed with a reason.
 * Creates go in bulk; a row's idempotency key, once it has had an effect, returns that first result
 * again and changes nothing (failed rows are not remembered, so they can be retried after a fix).
 */
/** Deadlocks, serialization failures and unique races: the transaction may simply be run again. */
const transient = (error: unknown) => ['40P01', '40001', '23505'].includes(String((error as { code?: unknown })?.code));

async function attempt<T>(fn: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= tries || !transient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * i + Math.random() * 50));
    }
  }
}

export async function runBatch(ctx: ServerContext, principal: Principal, request: BatchRequest): Promise<BatchResult[]> {
  const results = await runRows(ctx, principal, request);
  noteBulkWrites(ctx.db, results.filter((r) => r.status === 'created' || r.status === 'updated').length);
  return results;
}

async function runRows(ctx: ServerContext, principal: Principal, request: BatchRequest): Promise<BatchResult[]> {
  try {
    return await attempt(() =>
      withWriteEnv(ctx, principal, 'import', (env) => processRows(env, principal, request, request.rows)),
    );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // A database error aborted the whole transaction (a race on a unique name, say): redo row by
    // row so that one bad row cannot fail the others.
    const results: BatchResult[] = [];
    for (const row of request.rows) {
      try {
        results.push(
          ...(await attempt(() => withWriteEnv(ctx, principal, 'import', (env) => processRows(env, principal, request, [row])))),
        );
      } catch (rowError) {
        const message = rowError instanceof ApiError ? rowError.message : 'the database refused this row';
        results.push({ key: row.key, status: 'failed', reason: { code: 'database', message } });
      }
    }
    return results;
  }
}

async function processRows(env: WriteEnv, principal: Principal, request: BatchRequest, rows: BatchRow[]): Promise<BatchResult[]> {
  const scope = `${principal.kind}:${principal.id}`;
  const results = new Map<number, BatchResult>();
  const seenKeys = new Map<string, number>();
  const keys = [...new Set(rows.map((r) => r.key))];
  const remembered = new Map<string, BatchResult>();
  for (let i = 0; i < keys.length; i += 500) {
    const stored = await env.db
      .selectFrom('idempotency_keys')
      .select(['key', 'result'])
      .where('scope', '=', scope)
      .where('key', 'in', keys.slice(i, i + 500))
      .execute();
    for (const s of stored) remembered.set(s.key, JSON.parse(s.result) as BatchResult);
  }
  rows.forEach((row, i) => {
    const previous = remembered.get(row.key);
    if (previous) results.set(i, previous);
    else if (seenKeys.has(row.key))
      results.set(i, {
        key: row.key,
        status: 'failed',
        reason: { code: 'duplicateKey', message: 'this idempotency key appears twice in the request' },
      });
    else seenKeys.set(row.key, i);
  });

  // Match every pending row to an existing user: by id, else username, else email.
  const pending = rows.map((row, i) => ({ row, i })).filter(({ i }) => !results.has(i));
  const ids = pending.map((p) => p.row.userId).filter((id): id is string => typeof id === 'string');
  const usernames = pending.map((p) => p.row.user.username?.trim().toLowerCase()).filter((u): u is string => !!u);
  const emails = pending.map((p) => p.row.user.email?.trim().toLowerCase()).filter((e): e is string => !!e);
  const byId = new Set<string>();
  const byUsername = new Map<string, string>();
  const byEmail = new Map<string, string[]>();
  const chunked = async (list: string[], fn: (chunk: string[]) => Promise<void>) => {
    for (let i = 0; i < list.length; i += 500) await fn(list.slice(i, i + 500));
  };
  await chunked(ids, async (chunk) => {
    for (const r of await env.db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', chunk)
      .where('deleted_at', 'is', null)
      .execute())
      byId.add(r.id);
  });
  await chunked(usernames, async (chunk) => {
    for (const r of await env.db
      .selectFrom('users')
      .select(['id', 'username_lower', 'deleted_at'])
      .where('username_lower', 'in', chunk)
      .execute())
      byUsername.set(r.username_lower, r.deleted_at ? `trash:${r.id}` : r.id);
  });
  await chunked(emails, async (chunk) => {
    for (const r of await env.db
      .selectFrom('users')
      .select(['id', 'email_lower'])
      .where('email_lower', 'in', chunk)
      .where('deleted_at', 'is', null)
      .execute())
      if (r.email_lower) byEmail.set(r.email_lower, [...(byEmail.get(r.email_lower) ?? []), r.id]);
  });

  const creates: { row: BatchRow; i: number }[] = [];
  const updates: { row: BatchRow; i: number; id: string }[] = [];
  const fail = (i: number, row: BatchRow, code: string, message: string, field?: string) =>
    results.set(i, { key: row.key, status: 'failed', reason: { code, message, ...(field ? { field } : {}) } });
  for (const { row, i } of pending) {
    let target: string | undefined;
    if (row.userId) {
      if (!byId.has(row.userId)) {
        fail(i, row, 'notFound', `no user with id ${row.userId}`, 'userId');
        continue;
      }
      target = row.userId;
    } else {
      const u = row.user.username?.trim().toLowerCase();
      const byName = u ? byUsername.get(u) : undefined;
      if (byName?.startsWith('trash:')) {
        fail(i, row, 'inTrash', `the user "${row.user.username}" is in the trash: restore or purge it first`, 'username');
        continue;
      }
      const e = row.user.email?.trim().toLowerCase();
      const emailMatches = e ? (byEmail.get(e) ?? []) : [];
      target = byName ?? (emailMatches.length === 1 ? emailMatches[0] : undefined);
    }
    if (row.action === 'create' && target)
      fail(i, row, 'exists', 'a user with this username or email already exists', 'username');
    else if (row.action === 'update' && !target) fail(i, row, 'notFound', 'no user matches this row to update');
    else if (target) {
      if (principal.permissions.has('users.update')) updates.push({ row, i, id: target });
      else fail(i, row, 'forbidden', 'updating users needs the "users.update" permission');
    } else if (principal.permissions.has('users.create')) creates.push({ row, i });
    else fail(i, row, 'forbidden', 'creating users needs the "users.create" permission');
  }

  const outcomes = await createUsers(
    env,
    creates.map((c) => (c.row.invite ? { ...c.row.user, notify: 'invitation' as const } : c.row.user)),
  );
  creates.forEach((c, n) => {
    const outcome = outcomes[n]!;
    results.set(
      c.i,
      outcome.ok
        ? { key: c.row.key, status: 'created', userId: outcome.id }
        : { key: c.row.key, status: 'failed', reason: reasonOf(outcome.error) },
    );
  });
  const keepExisting = request.keepExistingWhenEmpty ?? true;
  for (const u of updates) {
    try {
      const changed = await updateUser(env, u.id, u.row.user, { keepExistingWhenEmpty: keepExisting });
      results.set(
        u.i,
        changed.length
          ? { key: u.row.key, status: 'updated', userId: u.id }
          : { key: u.row.key, status: 'skipped', userId: u.id, reason: { code: 'unchanged', message: 'nothing to change' } },
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      results.set(u.i, { key: u.row.key, status: 'failed', userId: u.id, reason: reasonOf(error) });
    }
  }

  const now = env.clock.now().toISOString();
  const remember = rows
    .map((row, i) => ({ row, i, result: results.get(i)! }))
    .filter(({ row, result }) => result.status !== 'failed' && !remembered.has(row.key) && seenKeys.has(row.key));
  for (let i = 0; i < remember.length; i += 500)
    await env.db
      .insertInto('idempotency_keys')
      .values(
        remember
          .slice(i, i + 500)
          .map(({ row, result }) => ({ scope, key: row.key, result: JSON.stringify(result), created_at: now })),
      )
      .execute();
  return rows.map((_, i) => results.get(i)!);
}
