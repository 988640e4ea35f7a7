import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Policies } from '../../common/users/policies';
import { passwordProblems } from '../../common/users/validation';
import { queueMails, type MailRequest } from '../mail/outbox';
import { issueUserTokens } from './tokens';
import { classify, displayName, done, fail, loadTargets, logUsers, skip, type BulkOp, type OpEnv, type TargetRow } from './ops';

/** Password reset links are short-lived; invitation links follow the policy (24 h by default). */
export const resetValidMs = 60 * 60_000;

export const portalPath = {
  signIn: '/portal/sign-in',
  invitation: '/portal/invitation',
  reset: '/portal/reset-password',
  impersonate: '/portal/impersonate',
};

const link = (env: OpEnv, path: string, token?: string) =>
  `${env.baseUrl}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

const hasJoined = (row: TargetRow) => row.enrollment === 'accepted' || row.last_login_at !== null;

/**
 * Sends (or resends) invitations: a single-use link valid for the policy's hours, which replaces
 * any earlier link. Resending counts; the welcome counts as sent.
 */
export async function sendInvitations(env: OpEnv, rows: TargetRow[]): Promise<{ id: string; expiresAt: string }[]> {
  if (rows.length === 0) return [];
  const hours = env.policies.invitationValidHours;
  const tokens = await issueUserTokens(
    env.db,
    env.clock,
    'invitation',
    rows.map((r) => ({ userId: r.id, ttlMs: hours * 3600_000, createdBy: env.actor.id })),
  );
  const mails: MailRequest[] = rows.map((row, i) => {
    const url = link(env, portalPath.invitation, tokens[i]!.token);
    return {
      userId: row.id,
      to: row.email!,
      kind: 'invitation',
      language: row.language,
      vars: { name: displayName(row), username: row.username, link: url, hours },
      secrets: [url],
    };
  });
  await queueMails(env.db, env.clock, mails);
  env.mailQueued = true;
  const now = env.clock.now().toISOString();
  const resent = rows.filter((r) => r.enrollment === 'sent' || r.enrollment === 'expired').map((r) => r.id);
  const first = rows.filter((r) => !resent.includes(r.id)).map((r) => r.id);
  for (const [ids, bump] of [
    [resent, 1],
    [first, 0],
  ] as const)
    for (let i = 0; i < ids.length; i += 500)
      await env.db
        .updateTable('users')
        .set((eb) => ({
          enrollment: 'sent',
          invitation_resends: eb('invitation_resends', '+', bump),
          welcome_sent_at: sql<string>`coalesce(welcome_sent_at, ${now})`,
          updated_at: now,
          version: eb('version', '+', 1),
        }))
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
  if (resent.length) await logUsers(env, 'user.invited', resent, { resend: true });
  if (first.length) await logUsers(env, 'user.invited', first);
  return rows.map((r, i) => ({ id: r.id, expiresAt: tokens[i]!.expiresAt }));
}

/** The welcome mail of users who have a password: a link to sign in. */
export async function sendWelcome(env: OpEnv, rows: TargetRow[]): Promise<void> {
  if (rows.length === 0) return;
  await queueMails(
    env.db,
    env.clock,
    rows.map((row) => ({
      userId: row.id,
      to: row.email!,
      kind: 'welcome',
      language: row.language,
      vars: { name: displayName(row), username: row.username, link: link(env, portalPath.signIn) },
    })),
  );
  env.mailQueued = true;
  await markWelcomed(
    env,
    rows.map((r) => r.id),
  );
  await logUsers(
    env,
    'user.welcomed',
    rows.map((r) => r.id),
  );
}

async function markWelcomed(env: OpEnv, ids: string[]): Promise<void> {
  const now = env.clock.now().toISOString();
  for (let i = 0; i < ids.length; i += 500)
    await env.db
      .updateTable('users')
      .set({ welcome_sent_at: now })
      .where('id', 'in', ids.slice(i, i + 500))
      .where('welcome_sent_at', 'is', null)
      .execute();
}

/** "Send password by email" on creation: the password the administrator chose, in the welcome. */
export async function sendPasswordMail(env: OpEnv, row: TargetRow, password: string): Promise<void> {
  await queueMails(env.db, env.clock, [
    {
      userId: row.id,
      to: row.email!,
      kind: 'password',
      language: row.language,
      vars: { name: displayName(row), username: row.username, link: link(env, portalPath.signIn), password },
      secrets: [password],
    },
  ]);
  env.mailQueued = true;
  await markWelcomed(env, [row.id]);
  await logUsers(env, 'user.welcomed', [row.id], { password: true });
}

/** Mails a single-use password reset link (it replaces any earlier one). */
export async function sendPasswordResets(env: OpEnv, rows: TargetRow[]): Promise<void> {
  if (rows.length === 0) return;
  const tokens = await issueUserTokens(
    env.db,
    env.clock,
    'reset',
    rows.map((r) => ({ userId: r.id, ttlMs: resetValidMs, createdBy: env.actor.id })),
  );
  await queueMails(
    env.db,
    env.clock,
    rows.map((row, i) => {
      const url = link(env, portalPath.reset, tokens[i]!.token);
      return {
        userId: row.id,
        to: row.email!,
        kind: 'passwordReset' as const,
        language: row.language,
        vars: { name: displayName(row), username: row.username, link: url, hours: resetValidMs / 3600_000 },
        secrets: [url],
      };
    }),
  );
  env.mailQueued = true;
}

export interface CreatedUser {
  id: string;
  roles: string[];
  /** What the creator asked for: the password by mail, or an invitation. */
  notify?: 'password' | 'invitation';
  /** The password typed or generated at creation (only for "send password by email"). */
  password?: string;
}

/**
 * The welcome rules of DESIGN.md §5 at creation: administrators get the welcome mail (or an
 * invitation when they have no password yet); others with a password get it before their first
 * sign-in, passwordless ones do not; an explicit request (password by mail, invitation) wins.
 * Users without an email cannot be invited.
 */
export async function welcomeOnCreate(env: OpEnv, created: CreatedUser[]): Promise<void> {
  if (created.length === 0) return;
  const rows = await loadTargets(
    env,
    created.map((c) => c.id),
  );
  const invite: TargetRow[] = [];
  const welcome: TargetRow[] = [];
  const noEmail: string[] = [];
  for (const c of created) {
    const row = rows.get(c.id);
    if (!row) continue;
    if (!row.email) {
      noEmail.push(row.id);
      continue;
    }
    if (c.notify === 'password' && c.password) await sendPasswordMail(env, row, c.password);
    else if (c.notify === 'invitation') invite.push(row);
    else if (row.last_login_at || row.active !== 1) continue;
    else if (c.roles.includes('administrator') && env.policies.welcomeAdministrators)
      (row.has_password ? welcome : invite).push(row);
    else if (row.has_password && env.policies.welcomeBeforeFirstSignIn) welcome.push(row);
  }
  await sendInvitations(env, invite);
  await sendWelcome(env, welcome);
  for (let i = 0; i < noEmail.length; i += 500)
    await env.db
      .updateTable('users')
      .set({ enrollment: 'not_possible' })
      .where('id', 'in', noEmail.slice(i, i + 500))
      .where('enrollment', '=', 'none')
      .execute();
}

/** A role change to administrator sends the welcome mail if it was never sent. */
export async function welcomeNewAdministrators(env: OpEnv, ids: string[]): Promise<void> {
  if (!env.policies.welcomeAdministrators) return;
  const rows = [...(await loadTargets(env, ids)).values()].filter(
    (r) => r.email && !r.welcome_sent_at && r.active === 1 && !r.deleted_at && !r.anonymized_at,
  );
  await sendInvitations(
    env,
    rows.filter((r) => !r.has_password && !hasJoined(r)),
  );
  await sendWelcome(
    env,
    rows.filter((r) => r.has_password || hasJoined(r)),
  );
}

export const inviteOp: BulkOp<Record<string, never>> = {
  action: 'invite',
  permission: 'users.credentials',
  params: z.object({}).strict(),
  async plan(env, ids) {
    return (
      await classify(env, ids, {}, (row) => {
        if (row.anonymized_at) return fail('anonymized', 'an anonymized user cannot be invited');
        if (!row.email) return fail('noEmail', 'the user has no email address: an invitation is not possible');
        if (row.active !== 1) return fail('inactive', 'the user is inactive: activate them first');
        if (hasJoined(row)) return skip('alreadyJoined', 'the user has already joined');
        return done;
      })
    ).outcomes;
  },
  async apply(env, ids) {
    await sendInvitations(env, [...(await loadTargets(env, ids)).values()]);
  },
};

export const resetPasswordOp: BulkOp<{ method?: 'email' }> = {
  action: 'resetPassword',
  permission: 'users.credentials',
  params: z.object({ method: z.literal('email').optional() }).strict(),
  async plan(env, ids) {
    return (
      await classify(env, ids, {}, (row) => {
        if (row.anonymized_at) return fail('anonymized', 'an anonymized user has no password');
        if (!row.email) return fail('noEmail', 'the user has no email address: use a temporary password instead');
        if (row.active !== 1) return fail('inactive', 'the user is inactive: activate them first');
        return done;
      })
    ).outcomes;
  },
  async apply(env, ids) {
    await sendPasswordResets(env, [...(await loadTargets(env, ids)).values()]);
    await logUsers(env, 'user.passwordResetRequested', ids, { method: 'email' });
  },
};

const alphabet = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digit: '23456789',
  symbol: '-_.!?#%+=',
};

/** A random password that satisfies the policy, without look-alike characters. */
export function generatePassword(policies: Policies): string {
  const length = Math.max(14, policies.passwordMinLength);
  const all = alphabet.lower + alphabet.upper + alphabet.digit + alphabet.symbol;
  for (;;) {
    const chars = [alphabet.lower, alphabet.upper, alphabet.digit, alphabet.symbol].map((set) => set[randomInt(set.length)]!);
    while (chars.length < length) chars.push(all[randomInt(all.length)]!);
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [chars[i], chars[j]] = [chars[j]!, chars[i]!];
    }
    const password = chars.join('');
    if (passwordProblems(password, policies).length === 0) return password;
  }
}
