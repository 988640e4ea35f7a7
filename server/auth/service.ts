import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { LoginRequest, TokenPair } from '../../common/api/admin';
import { appendActivity, systemActor } from '../activity/log';
import type { ServerContext } from '../context';
import type { UsersTable } from '../db/schema';
import { ApiError } from '../errors';
import { loadPolicies } from '../settings/policies';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { hashToken, newToken } from './tokens';

export const accessTokenSeconds = 15 * 60;
const refreshTokenMs = 30 * 24 * 3600_000;

let dummyHash: string | undefined;

const invalidCredentials = () => new ApiError(401, 'invalidCredentials', 'wrong username or password');

async function issueTokens(ctx: ServerContext, sessionId: string): Promise<TokenPair> {
  const accessToken = newToken('uda');
  const refreshToken = newToken('udr');
  const now = ctx.clock.now();
  await ctx.db.kysely
    .insertInto('access_tokens')
    .values({
      token_hash: hashToken(accessToken),
      session_id: sessionId,
      expires_at: new Date(now.getTime() + accessTokenSeconds * 1000).toISOString(),
    })
    .execute();
  await ctx.db.kysely
    .insertInto('refresh_tokens')
    .values({
      token_hash: hashToken(refreshToken),
      session_id: sessionId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + refreshTokenMs).toISOString(),
      used_at: null,
    })
    .execute();
  return { accessToken, refreshToken, expiresIn: accessTokenSeconds, tokenType: 'Bearer' };
}

/**
 * Checks a username (or email) and password: wrong passwords count towards a lockout, the answer
 * never says whether the username exists, and a deactivated account is refused. Returns the user.
 * The admin API's login and the portal's sign-in both use it.
 */
export async function checkCredentials(ctx: ServerContext, request: LoginRequest): Promise<Selectable<UsersTable>> {
  const db = ctx.db.kysely;
  const name = request.username.trim().toLowerCase();
  const user =
    (await db
      .selectFrom('users')
      .selectAll()
      .where('username_lower', '=', name)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()) ??
    (await db
      .selectFrom('users')
      .selectAll()
      .where('email_lower', '=', name)
      .where('deleted_at', 'is', null)
      .limit(2)
      .execute()
      .then((rows) => (rows.length === 1 ? rows[0] : undefined)));
  const now = ctx.clock.now();
  if (!user) {
    // Spend the same time as a real check so timing does not reveal unknown usernames.
    dummyHash ??= await hashPassword(randomUUID());
    await verifyPassword(request.password, dummyHash);
    throw invalidCredentials();
  }
  if (user.locked_until && user.locked_until > now.toISOString()) {
    const seconds = Math.ceil((Date.parse(user.locked_until) - now.getTime()) / 1000);
    throw new ApiError(429, 'locked', `too many failed sign-ins: try again in ${Math.ceil(seconds / 60)} minutes`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
  const ok = user.password_hash ? await verifyPassword(request.password, user.password_hash) : false;
  if (!ok) {
    // The lockout policy (settings): this many wrong passwords in a row lock the account for a while.
    // Counted in the database, not from the row read above: wrong passwords sent at the same time
    // (a guessing script) each count, so the lock cannot be outrun.
    const { lockoutFailures, lockoutMinutes } = await loadPolicies(db);
    const counted = await db
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('id', '=', user.id)
      .returning('failed_logins')
      .executeTakeFirst();
    const lock = Number(counted?.failed_logins ?? 0) >= lockoutFailures;
    if (lock)
      await db
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: new Date(now.getTime() + lockoutMinutes * 60_000).toISOString() })
        .where('id', '=', user.id)
        .execute();
    await appendActivity(db, ctx.clock, systemActor, {
      action: lock ? 'auth.locked' : 'auth.loginFailed',
      targetType: 'user',
      targetId: user.id,
    });
    throw invalidCredentials();
  }
  if (user.active !== 1) throw new ApiError(403, 'inactive', 'this account is deactivated');
  return user;
}

/** Counts a successful sign-in (last login, login count) and upgrades an old password hash. */
export async function recordSignIn(ctx: ServerContext, user: Selectable<UsersTable>, password: string): Promise<void> {
  const rehash = needsRehash(user.password_hash!) ? { password_hash: await hashPassword(password) } : {};
  await ctx.db.kysely
    .updateTable('users')
    .set((eb) => ({
      failed_logins: 0,
      locked_until: null,
      last_login_at: ctx.clock.now().toISOString(),
      login_count: eb('login_count', '+', 1),
      ...rehash,
    }))
    .where('id', '=', user.id)
    .execute();
}

/**
 * Password sign-in to the admin API. Imported hashes (bcrypt, PBKDF2, older argon2) are upgraded to
 * argon2id on success. A temporary password must first be changed on the portal.
 */
export async function login(
  ctx: ServerContext,
  request: LoginRequest,
  client: { ip: string | null; userAgent: string | null },
): Promise<TokenPair> {
  const db = ctx.db.kysely;
  const user = await checkCredentials(ctx, request);
  if (user.must_change_password === 1)
    throw new ApiError(403, 'passwordChangeRequired', 'this password is temporary: choose a new one on the portal first');
  await recordSignIn(ctx, user, request.password);
  const now = ctx.clock.now();
  const iso = now.toISOString();
  const sessionId = randomUUID();
  await db
    .insertInto('auth_sessions')
    .values({
      id: sessionId,
      user_id: user.id,
      created_at: iso,
      last_used_at: iso,
      expires_at: new Date(now.getTime() + refreshTokenMs).toISOString(),
      revoked_at: null,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  await appendActivity(
    db,
    ctx.clock,
    { type: 'user', id: user.id },
    { action: 'auth.login', targetType: 'session', targetId: sessionId },
  );
  return issueTokens(ctx, sessionId);
}

/**
 * Trades a refresh token for a new pair. Each refresh token works once: presenting a used one means
 * it was stolen or replayed, so the whole session ends.
 */
export async function refresh(ctx: ServerContext, refreshToken: string): Promise<TokenPair> {
  const db = ctx.db.kysely;
  const now = ctx.clock.now().toISOString();
  const row = await db
    .selectFrom('refresh_tokens')
    .innerJoin('auth_sessions', 'auth_sessions.id', 'refresh_tokens.session_id')
    .innerJoin('users', 'users.id', 'auth_sessions.user_id')
    .select([
      'refresh_tokens.token_hash',
      'refresh_tokens.used_at',
      'refresh_tokens.expires_at',
      'auth_sessions.id as session_id',
      'auth_sessions.revoked_at',
      'users.active',
      'users.deleted_at',
    ])
    .where('refresh_tokens.token_hash', '=', hashToken(refreshToken))
    .executeTakeFirst();
  const refused = new ApiError(401, 'invalidRefreshToken', 'the refresh token is not valid: sign in again');
  if (!row || row.revoked_at || row.expires_at <= now || row.active !== 1 || row.deleted_at) throw refused;
  if (row.used_at) {
    await revokeSession(ctx, row.session_id);
    await appendActivity(db, ctx.clock, systemActor, {
      action: 'auth.refreshReuse',
      targetType: 'session',
      targetId: row.session_id,
    });
    throw refused;
  }
  const marked = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', row.token_hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(marked.numUpdatedRows) !== 1) throw refused;
  await db
    .updateTable('auth_sessions')
    .set({ expires_at: new Date(Date.parse(now) + refreshTokenMs).toISOString() })
    .where('id', '=', row.session_id)
    .execute();
  return issueTokens(ctx, row.session_id);
}

export async function revokeSession(ctx: ServerContext, sessionId: string): Promise<void> {
  const db = ctx.db.kysely;
  await db
    .updateTable('auth_sessions')
    .set({ revoked_at: ctx.clock.now().toISOString() })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
  await db.deleteFrom('access_tokens').where('session_id', '=', sessionId).execute();
}

/** A small per-address limiter in front of sign-in (the per-account lockout is in `login`). */
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}
  /** Seconds to wait when over the limit, else 0 (and the attempt is counted). */
  take(key: string, nowMs: number): number {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (recent.length >= this.max) {
      this.hits.set(key, recent);
      return Math.ceil((recent[0]! + this.windowMs - nowMs) / 1000);
    }
    recent.push(nowMs);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.hits.delete(this.hits.keys().next().value!);
    return 0;
  }
}
