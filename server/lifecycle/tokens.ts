import type { Kysely, Selectable, Transaction } from 'kysely';
import { hashToken, newToken } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { UserTokensTable } from '../db/schema-lifecycle';

type Executor = Kysely<Database> | Transaction<Database>;
export type UserTokenKind = UserTokensTable['kind'];
export type UserTokenRow = Selectable<UserTokensTable>;

const prefixes: Record<UserTokenKind, string> = { invitation: 'udi', reset: 'udp', impersonation: 'udm' };

export interface IssueRequest {
  userId: string;
  ttlMs: number;
  createdBy?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Issues single-use tokens (links in mails, impersonation), stored only as hashes. Issuing a new one
 * ends the user's unused tokens of the same kind, so only the latest link works.
 */
export async function issueUserTokens(
  db: Executor,
  clock: Clock,
  kind: UserTokenKind,
  requests: IssueRequest[],
): Promise<{ token: string; expiresAt: string }[]> {
  if (requests.length === 0) return [];
  const now = clock.now();
  const iso = now.toISOString();
  const ids = requests.map((r) => r.userId);
  for (let i = 0; i < ids.length; i += 500)
    await db
      .updateTable('user_tokens')
      .set({ expires_at: iso })
      .where('user_id', 'in', ids.slice(i, i + 500))
      .where('kind', '=', kind)
      .where('used_at', 'is', null)
      .where('expires_at', '>', iso)
      .execute();
  const issued = requests.map((r) => ({
    token: newToken(prefixes[kind]),
    expiresAt: new Date(now.getTime() + r.ttlMs).toISOString(),
    request: r,
  }));
  for (let i = 0; i < issued.length; i += 200)
    await db
      .insertInto('user_tokens')
      .values(
        issued.slice(i, i + 200).map((t) => ({
          token_hash: hashToken(t.token),
          user_id: t.request.userId,
          kind,
          created_at: iso,
          expires_at: t.expiresAt,
          used_at: null,
          created_by: t.request.createdBy ?? null,
          data: t.request.data ? JSON.stringify(t.request.data) : null,
        })),
      )
      .execute();
  return issued.map(({ token, expiresAt }) => ({ token, expiresAt }));
}

export type TokenState = { ok: true; row: UserTokenRow } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** What a token is worth now, without using it (to show the right page). */
export async function checkUserToken(db: Executor, clock: Clock, kind: UserTokenKind, token: string): Promise<TokenState> {
  const row = await db
    .selectFrom('user_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expires_at <= clock.now().toISOString()) return { ok: false, reason: 'expired' };
  return { ok: true, row };
}

/** Uses a token once: the conditional update makes a second use (or a race) fail. */
export async function consumeUserToken(db: Executor, clock: Clock, kind: UserTokenKind, token: string): Promise<TokenState> {
  const state = await checkUserToken(db, clock, kind, token);
  if (!state.ok) return state;
  const now = clock.now().toISOString();
  const result = await db
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', state.row.token_hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? state : { ok: false, reason: 'used' };
}
