import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendActivity, type Actor } from '../activity/log';
import { hashToken, newToken } from '../auth/tokens';
import type { ServerContext } from '../context';
import type { Database } from '../db/schema';
import { readSetting } from '../settings/store';

type Executor = Kysely<Database> | Transaction<Database>;

export const portalSessionMs = 7 * 24 * 3600_000;
/** An impersonation lasts at most this long. */
export const impersonationSessionMs = 30 * 60_000;
const touchEveryMs = 60_000;

export interface PortalUser {
  id: string;
  username: string;
  email: string | null;
  first_name: string;
  last_name: string;
  display_name: string | null;
  language: string | null;
  must_change_password: number;
  password_hash: string | null;
}

export interface PortalSession {
  id: string;
  kind: 'portal' | 'impersonation';
  impersonatorId: string | null;
  user: PortalUser;
}

/** Cookie names: with TLS they carry the `__Secure-` prefix, which browsers only accept over HTTPS. */
export const cookieNames = (secure: boolean) => ({
  session: secure ? '__Secure-ud_portal' : 'ud_portal',
  csrf: secure ? '__Secure-ud_csrf' : 'ud_csrf',
  lang: 'ud_lang',
});

/** The session behind a portal cookie, if it is still valid (not ended, not expired, user active). */
export async function currentSession(ctx: ServerContext, cookie: string | undefined): Promise<PortalSession | null> {
  if (!cookie || cookie.length > 200) return null;
  const now = ctx.clock.now().toISOString();
  const row = await ctx.db.kysely
    .selectFrom('portal_cookies')
    .innerJoin('auth_sessions', 'auth_sessions.id', 'portal_cookies.session_id')
    .innerJoin('users', 'users.id', 'auth_sessions.user_id')
    .select([
      'auth_sessions.id as session_id',
      'auth_sessions.kind',
      'auth_sessions.impersonator_id',
      'auth_sessions.revoked_at',
      'auth_sessions.expires_at',
      'auth_sessions.last_used_at',
      'users.id',
      'users.username',
      'users.email',
      'users.first_name',
      'users.last_name',
      'users.display_name',
      'users.language',
      'users.must_change_password',
      'users.password_hash',
      'users.active',
      'users.deleted_at',
    ])
    .where('portal_cookies.token_hash', '=', hashToken(cookie))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.expires_at <= now || row.active !== 1 || row.deleted_at) return null;
  if (Date.parse(now) - Date.parse(row.last_used_at) > touchEveryMs)
    await ctx.db.kysely.updateTable('auth_sessions').set({ last_used_at: now }).where('id', '=', row.session_id).execute();
  return {
    id: row.session_id,
    kind: row.kind === 'impersonation' ? 'impersonation' : 'portal',
    impersonatorId: row.impersonator_id,
    user: {
      id: row.id,
      username: row.username,
      email: row.email,
      first_name: row.first_name,
      last_name: row.last_name,
      display_name: row.display_name,
      language: row.language,
      must_change_password: row.must_change_password,
      password_hash: row.password_hash,
    },
  };
}

export interface OpenSession {
  userId: string;
  kind: 'portal' | 'impersonation';
  ip: string | null;
  userAgent: string | null;
  impersonatorId?: string | null;
}

/** Opens a portal session; the answer is the cookie value (only its hash is stored). */
export async function openSession(
  db: Executor,
  ctx: ServerContext,
  open: OpenSession,
): Promise<{ cookie: string; sessionId: string; expiresAt: string }> {
  const now = ctx.clock.now();
  const id = randomUUID();
  const cookie = newToken('uds');
  const expiresAt = new Date(
    now.getTime() + (open.kind === 'impersonation' ? impersonationSessionMs : portalSessionMs),
  ).toISOString();
  await db
    .insertInto('auth_sessions')
    .values({
      id,
      user_id: open.userId,
      created_at: now.toISOString(),
      last_used_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      ip: open.ip,
      user_agent: open.userAgent?.slice(0, 500) ?? null,
      kind: open.kind,
      impersonator_id: open.impersonatorId ?? null,
    })
    .execute();
  await db
    .insertInto('portal_cookies')
    .values({ token_hash: hashToken(cookie), session_id: id })
    .execute();
  return { cookie, sessionId: id, expiresAt };
}

/** Who impersonated: a user, or an API token (impersonator ids are one or the other). */
export async function impersonatorActor(db: Executor, id: string | null): Promise<Actor> {
  if (!id) return { type: 'system', id: null };
  const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
  return { type: user ? 'user' : 'token', id };
}

/** Ends one portal session (sign-out, impersonation exit) and logs it. */
export async function closeSession(ctx: ServerContext, session: PortalSession): Promise<void> {
  await ctx.db.kysely.transaction().execute(async (trx) => {
    await trx
      .updateTable('auth_sessions')
      .set({ revoked_at: ctx.clock.now().toISOString() })
      .where('id', '=', session.id)
      .execute();
    await trx.deleteFrom('portal_cookies').where('session_id', '=', session.id).execute();
    const impersonator = await impersonatorActor(trx, session.impersonatorId);
    await appendActivity(
      trx,
      ctx.clock,
      session.kind === 'impersonation' ? impersonator : { type: 'user', id: session.user.id },
      session.kind === 'impersonation'
        ? { action: 'impersonation.ended', targetType: 'user', targetId: session.user.id, data: { session: session.id } }
        : { action: 'auth.logout', targetType: 'session', targetId: session.id, data: { channel: 'portal' } },
    );
  });
}

// ---- CSRF: a random per-browser cookie, and forms carry its HMAC under the server's secret, so a
// value planted in the cookie by another site is useless without the secret.

const secrets = new WeakMap<ServerContext, string>();

export async function portalSecret(ctx: ServerContext): Promise<string> {
  let secret = secrets.get(ctx);
  if (!secret) {
    secret = (await readSetting<string>(ctx.db.kysely, 'portalSecret')) ?? '';
    if (!secret) throw new Error('the portal secret is missing');
    secrets.set(ctx, secret);
  }
  return secret;
}

export const newCsrfCookie = (): string => randomBytes(24).toString('base64url');

export const csrfToken = (secret: string, cookie: string): string =>
  createHmac('sha256', secret).update(`csrf:${cookie}`).digest('base64url');

export function csrfValid(secret: string, cookie: string | undefined, field: unknown): boolean {
  if (!cookie || typeof field !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, cookie));
  const given = Buffer.from(field);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
