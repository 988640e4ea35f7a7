import type { FastifyInstance } from 'fastify';
import { passwordProblems } from '../../common/users/validation';
import { appendActivity, systemActor } from '../activity/log';
import { AttemptLimiter, checkCredentials, recordSignIn } from '../auth/service';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import { logUsers, loadTargets } from '../lifecycle/ops';
import { changePassword } from '../lifecycle/passwords';
import { withOpEnv } from '../lifecycle/run';
import { checkUserToken, consumeUserToken, type UserTokenKind } from '../lifecycle/tokens';
import { sendPasswordResets } from '../lifecycle/welcome';
import { loadPolicies } from '../settings/policies';
import { csrfField, errorSummary, html, input, notice, type FieldError } from './html';
import type { PortalKey } from './i18n';
import {
  cookieOptions,
  displayNameOf,
  field,
  noticeOf,
  portalRequest,
  postAllowed,
  redirect,
  send,
  type PortalRequest,
} from './request';
import { openSession, portalSessionMs, closeSession } from './session';

const noOne = { actor: systemActor, permissions: new Set<never>() };

/** Opens a portal session for a user who just proved who they are, and sets its cookie. */
export async function signIn(r: PortalRequest, userId: string, via: string): Promise<void> {
  const opened = await r.ctx.db.kysely.transaction().execute(async (trx) => {
    const s = await openSession(trx, r.ctx, {
      userId,
      kind: 'portal',
      ip: r.request.ip,
      userAgent: r.request.headers['user-agent'] ?? null,
    });
    // Address and device are personal data: they live in the details, which anonymisation redacts.
    await appendActivity(
      trx,
      r.ctx.clock,
      { type: 'user', id: userId },
      {
        action: 'auth.login',
        targetType: 'session',
        targetId: s.sessionId,
        data: { channel: 'portal', via, ip: r.request.ip, device: r.request.headers['user-agent']?.slice(0, 200) ?? null },
      },
    );
    return s;
  });
  r.reply.setCookie(r.names.session, opened.cookie, cookieOptions(r, portalSessionMs));
}

function passwordErrors(
  r: PortalRequest,
  password: string,
  confirm: string,
  minLength: number,
  problems: { code: string }[],
): FieldError[] {
  const errors: FieldError[] = problems.map((p) => ({
    field: 'newPassword',
    message: r.t(p.code as PortalKey, { min: minLength }),
  }));
  if (password !== confirm) errors.push({ field: 'confirmPassword', message: r.t('passwordMismatch') });
  return errors;
}

/** The new-password pair of the invitation, reset and change forms. */
export function newPasswordFields(r: PortalRequest, min: number, errors: FieldError[]) {
  return html`${input({ name: 'newPassword', label: r.t('newPassword'), type: 'password', autocomplete: 'new-password', required: true, hint: r.t('passwordHint', { min }), errors })}
  ${input({ name: 'confirmPassword', label: r.t('confirmPassword'), type: 'password', autocomplete: 'new-password', required: true, errors })}`;
}

export async function checkNewPassword(r: PortalRequest): Promise<{ password: string; errors: FieldError[]; min: number }> {
  const policies = await loadPolicies(r.ctx.db.kysely);
  const password = field(r, 'newPassword');
  const errors = passwordErrors(
    r,
    password,
    field(r, 'confirmPassword'),
    policies.passwordMinLength,
    passwordProblems(password, policies, 'newPassword'),
  );
  return { password, errors, min: policies.passwordMinLength };
}

const linkProblem: Record<'unknown' | 'used' | 'expired', PortalKey> = {
  unknown: 'linkUnknown',
  used: 'linkUsed',
  expired: 'linkExpired',
};

/** The page of a link that no longer works: it says why. */
function deadLink(r: PortalRequest, title: string, reason: 'unknown' | 'used' | 'expired') {
  return send(r, reason === 'unknown' ? 404 : 410, title, notice(r.t(linkProblem[reason]), 'warning'));
}

/** Sign in and out, accept an invitation, forgot and reset password. */
export function authPages(portal: FastifyInstance, ctx: ServerContext): void {
  // Per address; the per-account lockout of checkCredentials stops guessing one password.
  const limiter = new AttemptLimiter(60, 60_000);
  const tooFast = (r: PortalRequest) => limiter.take(`portal:${r.request.ip}`, ctx.clock.now().getTime()) > 0;

  const signInForm = (r: PortalRequest, status: number, errors: FieldError[], username = '') =>
    send(
      r,
      status,
      r.t('signInTitle'),
      html`${notice(noticeOf(r), 'success')}${errorSummary(r.p, errors)}
        <form method="post" action="/portal/sign-in" novalidate>
          ${csrfField(r.p)}
          ${input({ name: 'username', label: r.t('username'), value: username, autocomplete: 'username', required: true, autofocus: true, errors })}
          ${input({ name: 'password', label: r.t('password'), type: 'password', autocomplete: 'current-password', required: true, errors })}
          <button type="submit">${r.t('signInSubmit')}</button>
        </form>
        <p><a href="/portal/forgot-password">${r.t('forgotLink')}</a></p>`,
    );

  portal.get('/sign-in', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (r.session) return redirect(r, '/portal/account');
    return signInForm(r, 200, []);
  });

  portal.post('/sign-in', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (!(await postAllowed(r))) return send(r, 403, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));
    const username = field(r, 'username');
    if (tooFast(r)) return signInForm(r, 429, [{ field: 'username', message: r.t('rateLimited') }], username);
    try {
      const user = await checkCredentials(ctx, { username, password: field(r, 'password') });
      await recordSignIn(ctx, user, field(r, 'password'));
      await signIn(r, user.id, 'password');
      return redirect(r, user.must_change_password === 1 ? '/portal/change-password' : '/portal/account');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const minutes = Math.max(1, Math.ceil(Number(error.extra.headers?.['retry-after'] ?? 60) / 60));
      const key: PortalKey = error.code === 'locked' ? 'locked' : error.code === 'inactive' ? 'inactive' : 'invalidCredentials';
      return signInForm(r, error.status, [{ field: 'username', message: r.t(key, { minutes }) }], username);
    }
  });

  portal.post('/sign-out', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (!(await postAllowed(r))) return send(r, 403, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));
    if (r.session) await closeSession(ctx, r.session);
    reply.clearCookie(r.names.session, cookieOptions(r, null));
    return redirect(r, '/portal/sign-in?notice=signedOut');
  });

  // Invitation and reset links: GET shows the form (the link is not used up by a mail scanner or a
  // prefetch), POST uses the token once, in the same transaction as the new password.
  const tokenPage = (kind: Extract<UserTokenKind, 'invitation' | 'reset'>, path: string) => {
    const titleKey: PortalKey = kind === 'invitation' ? 'invitationTitle' : 'resetTitle';
    const submitKey: PortalKey = kind === 'invitation' ? 'invitationSubmit' : 'resetSubmit';
    const formPage = async (r: PortalRequest, token: string, userId: string, errors: FieldError[], min: number) => {
      const user = await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      return send(
        r,
        errors.length ? 400 : 200,
        r.t(titleKey),
        html`${kind === 'invitation' ? html`<p>${r.t('invitationIntro', { name: displayNameOf(user), username: user.username })}</p>` : ''}
          ${errorSummary(r.p, errors)}
          <form method="post" action="${path}" novalidate>
            ${csrfField(r.p)}<input type="hidden" name="token" value="${token}" />
            <input type="text" name="username" value="${user.username}" autocomplete="username" hidden />
            ${newPasswordFields(r, min, errors)}
            <button type="submit">${r.t(submitKey)}</button>
          </form>`,
        { nav: false },
      );
    };

    const route = path.slice('/portal'.length);
    portal.get(route, async (request, reply) => {
      const r = await portalRequest(ctx, request, reply);
      const token = String((request.query as Record<string, unknown>).token ?? '');
      const state = await checkUserToken(ctx.db.kysely, ctx.clock, kind, token);
      if (!state.ok) return deadLink(r, r.t(titleKey), state.reason);
      return formPage(r, token, state.row.user_id, [], (await loadPolicies(ctx.db.kysely)).passwordMinLength);
    });

    portal.post(route, async (request, reply) => {
      const r = await portalRequest(ctx, request, reply);
      if (!(await postAllowed(r))) return send(r, 403, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));
      const token = field(r, 'token');
      const state = await checkUserToken(ctx.db.kysely, ctx.clock, kind, token);
      if (!state.ok) return deadLink(r, r.t(titleKey), state.reason);
      const { password, errors, min } = await checkNewPassword(r);
      if (errors.length) return formPage(r, token, state.row.user_id, errors, min);
      const userId = state.row.user_id;
      const used = await withOpEnv(ctx, { ...noOne, actor: { type: 'user', id: userId } }, async (env) => {
        const consumed = await consumeUserToken(env.db, ctx.clock, kind, token);
        if (!consumed.ok) return consumed.reason;
        await changePassword(env, userId, password, { via: kind });
        if (kind === 'invitation') {
          // Following the mailed link proves the address.
          await env.db.updateTable('users').set({ enrollment: 'accepted', email_verified: 1 }).where('id', '=', userId).execute();
          await logUsers(env, 'user.invitationAccepted', [userId]);
        }
        return null;
      });
      if (used) return deadLink(r, r.t(titleKey), used);
      if (kind === 'reset') return redirect(r, '/portal/sign-in?notice=resetDone');
      const user = await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      await recordSignIn(ctx, user, password);
      await signIn(r, userId, 'invitation');
      return redirect(r, '/portal/account?notice=invitationDone');
    });
  };
  tokenPage('invitation', '/portal/invitation');
  tokenPage('reset', '/portal/reset-password');

  const forgotForm = (r: PortalRequest, status: number, body: ReturnType<typeof html>) =>
    send(r, status, r.t('forgotTitle'), body, { nav: false });

  portal.get('/forgot-password', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    return forgotForm(
      r,
      200,
      html`<p>${r.t('forgotIntro')}</p>
        <form method="post" action="/portal/forgot-password" novalidate>
          ${csrfField(r.p)}
          ${input({ name: 'username', label: r.t('username'), autocomplete: 'username', required: true, autofocus: true })}
          <button type="submit">${r.t('forgotSubmit')}</button>
        </form>`,
    );
  });

  portal.post('/forgot-password', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (!(await postAllowed(r))) return send(r, 403, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));
    if (tooFast(r)) return forgotForm(r, 429, notice(r.t('rateLimited'), 'warning'));
    const name = field(r, 'username').trim().toLowerCase();
    if (name) {
      const found = await ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where((eb) => eb.or([eb('username_lower', '=', name), eb('email_lower', '=', name)]))
        .where('deleted_at', 'is', null)
        .where('anonymized_at', 'is', null)
        .where('active', '=', 1)
        .where('email', 'is not', null)
        .limit(2)
        .execute();
      // The same answer whether or not an account matched: the page reveals nothing.
      if (found.length === 1)
        await withOpEnv(ctx, { ...noOne, actor: { type: 'user', id: found[0]!.id } }, async (env) => {
          await sendPasswordResets(env, [...(await loadTargets(env, [found[0]!.id])).values()]);
          await logUsers(env, 'user.passwordResetRequested', [found[0]!.id], { via: 'portal' });
        });
    }
    return forgotForm(r, 200, notice(r.t('forgotSent'), 'success'));
  });
}
