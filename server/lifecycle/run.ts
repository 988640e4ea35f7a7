import type { Transaction } from 'kysely';
import type { Policies } from '../../common/users/policies';
import type { Actor } from '../activity/log';
import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import type { Database } from '../db/schema';
import { ApiError, forbidden } from '../errors';
import { MailDelivery } from '../mail/delivery';
import type { Permission } from '../roles/permissions';
import { loadPolicies } from '../settings/policies';
import { loadBaseUrl } from '../settings/store';
import { zodFieldErrors, describeErrors } from '../http/zod-errors';
import { runOp, throwIfFailed, type BulkOp, type OpEnv, type Outcome } from './ops';

/** Builds the environment of an operation inside `trx`. */
export async function opEnv(
  ctx: ServerContext,
  trx: Transaction<Database>,
  who: { actor: Actor; permissions: ReadonlySet<Permission> },
  jobId?: string,
): Promise<OpEnv> {
  return {
    db: trx,
    clock: ctx.clock,
    actor: who.actor,
    permissions: who.permissions,
    policies: await loadPolicies(trx),
    baseUrl: await loadBaseUrl(trx),
    jobId,
  };
}

/** Parses an operation's parameters; a problem names the field under `params.`. */
export function parseParams<P>(op: BulkOp<P>, raw: unknown): P {
  const result = op.params.safeParse(raw ?? {});
  if (result.success) return result.data;
  const errors = zodFieldErrors(result.error, 'params');
  throw new ApiError(400, 'validation', `invalid parameters of "${op.action}": ${describeErrors(errors)}`, { errors });
}

export interface UserOpOptions {
  /** Runs first, in the transaction (an If-Match check, say). */
  before?(env: OpEnv): Promise<void>;
  /** Runs after the operation, in the same transaction. */
  after?(env: OpEnv, outcome: Outcome): Promise<void>;
  /** Policies that do not apply to this call (SCIM's forced delete). */
  policies?: Partial<Policies>;
}

/**
 * Runs one operation on one user, in one transaction, for a single-user route: a failure becomes
 * the matching HTTP error; a skip (already done) is a success. Mails go out after the commit.
 */
export async function runUserOp<P>(
  ctx: ServerContext,
  principal: Principal,
  op: BulkOp<P>,
  id: string,
  rawParams: unknown,
  options: UserOpOptions = {},
): Promise<Outcome> {
  if (!principal.permissions.has(op.permission)) throw forbidden(op.permission);
  const params = parseParams(op, rawParams);
  let mail = false;
  const outcome = await ctx.db.kysely.transaction().execute(async (trx) => {
    const env = await opEnv(ctx, trx, principal);
    if (options.policies) env.policies = { ...env.policies, ...options.policies };
    await options.before?.(env);
    await op.prepare?.(env, params);
    const result = (await runOp(env, op, [id], params)).get(id);
    throwIfFailed(result);
    await options.after?.(env, result!);
    mail = !!env.mailQueued;
    return result!;
  });
  if (mail) MailDelivery.kickAll();
  return outcome;
}

/** Runs `fn` in a transaction with an operation environment; mails go out after the commit. */
export async function withOpEnv<T>(
  ctx: ServerContext,
  who: { actor: Actor; permissions: ReadonlySet<Permission> },
  fn: (env: OpEnv) => Promise<T>,
): Promise<T> {
  let mail = false;
  const result = await ctx.db.kysely.transaction().execute(async (trx) => {
    const env = await opEnv(ctx, trx, who);
    const value = await fn(env);
    mail = !!env.mailQueued;
    return value;
  });
  if (mail) MailDelivery.kickAll();
  return result;
}
