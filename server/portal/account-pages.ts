import type { FastifyInstance } from 'fastify';
import { appendActivity } from '../activity/log';
import { verifyPassword } from '../auth/passwords';
import type { ServerContext } from '../context';
import { anonymizeUsers } from '../lifecycle/anonymize';
import { logUsers, touchUsers } from '../lifecycle/ops';
import { changePassword } from '../lifecycle/passwords';
import { usersOwningContent, usersWithActivity } from '../lifecycle/personal-data';
import { withOpEnv } from '../lifecycle/run';
import { endSessions, listSessions } from '../sessions/service';
import { loadPolicies } from '../settings/policies';
import { checkNewPassword, newPasswordFields } from './auth-pages';
import { csrfField, errorSummary, html, input, notice, postButton, when, type FieldError } from './html';
import { cookieOptions, noticeOf, portalRequest, postAllowed, redirect, send, field, type PortalRequest } from './request';

/** The signed-in user's request, or a redirect: to sign in, or to the forced password change. */
export async function signedIn(
  ctx: ServerContext,
  request: Parameters<typeof portalRequest>[1],
  reply: Parameters<typeof portalRequest>[2],
  options: { changing?: boolean } = {},
) {
  const r = await portalRequest(ctx, request, reply);
  if (!r.session) {
    redirect(r, '/portal/sign-in');
    return null;
  }
  if (r.session.user.must_change_password === 1 && r.session.kind === 'portal' && !options.changing) {
    redirect(r, '/portal/change-password');
    return null;
  }
  return r as PortalRequest & { session: NonNullable<PortalRequest['session']> };
}

/** While impersonating, an administrator may look but not change the user's things. */
export function refuseWhileImpersonating(r: PortalRequest) {
  return r.session?.kind === 'impersonation' ? send(r, 403, r.t('errorTitle'), notice(r.t('readOnly'), 'warning')) : null;
}

export const csrfRefused = (r: PortalRequest) => send(r, 403, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));

/** My account, my sessions, change my password, delete my account. */
export function accountPages(portal: FastifyInstance, ctx: ServerContext): void {
  portal.get('/', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    return redirect(r, r.session ? '/portal/account' : '/portal/sign-in');
  });

  portal.get('/account', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    const policies = await loadPolicies(ctx.db.kysely);
    return send(
      r,
      200,
      r.t('hello', { name: r.p.user!.name }),
      html`${notice(noticeOf(r), 'success')}
        <p>${r.t('signedInAs', { username: r.session.user.username })}</p>
        <ul>
          <li><a href="/portal/sessions">${r.t('sessions')}</a></li>
          <li><a href="/portal/forms">${r.t('forms')}</a></li>
          <li><a href="/portal/change-password">${r.t('changePassword')}</a></li>
          ${policies.allowSelfDelete ? html`<li><a href="/portal/delete-account">${r.t('deleteAccount')}</a></li>` : ''}
        </ul>`,
    );
  });

  portal.get('/sessions', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    const sessions = await listSessions(ctx.db.kysely, ctx.clock, r.session.user.id, { active: true, page: 1, pageSize: 100 });
    const others = sessions.items.filter((s) => s.id !== r.session.id);
    return send(
      r,
      200,
      r.t('sessionsTitle'),
      html`${notice(noticeOf(r), 'success')}
        <p>${r.t('sessionsIntro')}</p>
        <table>
          <caption class="hint">
            ${r.t('sessionsIntro')}
          </caption>
          <thead>
            <tr>
              <th scope="col">${r.t('device')}</th>
              <th scope="col">${r.t('address')}</th>
              <th scope="col">${r.t('started')}</th>
              <th scope="col">${r.t('lastSeen')}</th>
              <th scope="col"><span class="hint">${r.t('endSession')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${sessions.items.map(
              (s) =>
                html`<tr>
                  <td>
                    ${s.userAgent ?? r.t('unknownDevice')}${s.id === r.session.id ? html` <strong>(${r.t('thisSession')})</strong>` : ''}
                  </td>
                  <td>${s.ip ?? '—'}</td>
                  <td>${when(r.lang, s.createdAt)}</td>
                  <td>${when(r.lang, s.lastSeenAt)}</td>
                  <td>
                    ${s.id === r.session.id ? '' : postButton(r.p, `/portal/sessions/${encodeURIComponent(s.id)}/end`, r.t('endSession'))}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${others.length ? html`<p>${postButton(r.p, '/portal/sessions/end-others', r.t('endOthers'), {}, 'danger')}</p>` : ''}`,
    );
  });

  portal.post<{ Params: { id: string } }>('/sessions/:id/end', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    if (!(await postAllowed(r))) return csrfRefused(r);
    const refused = refuseWhileImpersonating(r);
    if (refused) return refused;
    const ended = await endSessions(ctx.db.kysely, ctx.clock, [r.session.user.id], { sessionId: request.params.id });
    if (ended)
      await appendActivity(
        ctx.db.kysely,
        ctx.clock,
        { type: 'user', id: r.session.user.id },
        {
          action: 'user.sessionsEnded',
          targetType: 'user',
          targetId: r.session.user.id,
          data: { session: request.params.id, channel: 'portal' },
        },
      );
    if (request.params.id === r.session.id) return redirect(r, '/portal/sign-in?notice=sessionEnded');
    return redirect(r, '/portal/sessions?notice=sessionEnded');
  });

  portal.post('/sessions/end-others', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    if (!(await postAllowed(r))) return csrfRefused(r);
    const refused = refuseWhileImpersonating(r);
    if (refused) return refused;
    const ended = await endSessions(ctx.db.kysely, ctx.clock, [r.session.user.id], { except: r.session.id });
    await appendActivity(
      ctx.db.kysely,
      ctx.clock,
      { type: 'user', id: r.session.user.id },
      {
        action: 'user.sessionsEnded',
        targetType: 'user',
        targetId: r.session.user.id,
        data: { ended, channel: 'portal' },
      },
    );
    return redirect(r, `/portal/sessions?notice=othersEnded&n=${ended}`);
  });

  const changeForm = async (r: PortalRequest & { session: NonNullable<PortalRequest['session']> }, errors: FieldError[]) => {
    const forced = r.session.user.must_change_password === 1;
    const min = (await loadPolicies(ctx.db.kysely)).passwordMinLength;
    return send(
      r,
      errors.length ? 400 : 200,
      r.t('changeTitle'),
      html`${forced ? notice(r.t('forcedChange'), 'warning') : ''}${errorSummary(r.p, errors)}
        <form method="post" action="/portal/change-password" novalidate>
          ${csrfField(r.p)}
          <input type="text" name="username" value="${r.session.user.username}" autocomplete="username" hidden />
          ${forced ? '' : input({ name: 'currentPassword', label: r.t('currentPassword'), type: 'password', autocomplete: 'current-password', required: true, autofocus: true, errors })}
          ${newPasswordFields(r, min, errors)}
          <button type="submit">${r.t('changePassword')}</button>
        </form>`,
      { nav: !forced },
    );
  };

  portal.get('/change-password', async (request, reply) => {
    const r = await signedIn(ctx, request, reply, { changing: true });
    if (!r) return reply;
    return changeForm(r, []);
  });

  portal.post('/change-password', async (request, reply) => {
    const r = await signedIn(ctx, request, reply, { changing: true });
    if (!r) return reply;
    if (!(await postAllowed(r))) return csrfRefused(r);
    const refused = refuseWhileImpersonating(r);
    if (refused) return refused;
    const { password, errors } = await checkNewPassword(r);
    // A forced change follows a sign-in with the temporary password a moment ago: not asked again.
    if (r.session.user.must_change_password !== 1) {
      const current = field(r, 'currentPassword');
      const ok = r.session.user.password_hash ? await verifyPassword(current, r.session.user.password_hash) : false;
      if (!ok) errors.unshift({ field: 'currentPassword', message: r.t('wrongCurrent') });
    }
    if (errors.length) return changeForm(r, errors);
    await withOpEnv(ctx, { actor: { type: 'user', id: r.session.user.id }, permissions: new Set() }, (env) =>
      changePassword(env, r.session.user.id, password, { keepSession: r.session.id, via: 'portal' }),
    );
    return redirect(r, '/portal/account?notice=passwordChanged');
  });

  const deleteForm = (r: PortalRequest, errors: FieldError[]) =>
    send(
      r,
      errors.length ? 400 : 200,
      r.t('deleteTitle'),
      html`${notice(r.t('deleteWarning'), 'warning')}${errorSummary(r.p, errors)}
        <form method="post" action="/portal/delete-account" novalidate>
          ${csrfField(r.p)}
          ${input({ name: 'password', label: r.t('password'), type: 'password', autocomplete: 'current-password', required: true, errors })}
          <button type="submit" class="danger">${r.t('deleteSubmit')}</button>
        </form>`,
    );

  portal.get('/delete-account', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    if (!(await loadPolicies(ctx.db.kysely)).allowSelfDelete)
      return send(r, 403, r.t('deleteTitle'), notice(r.t('deleteNotAllowed'), 'warning'));
    return deleteForm(r, []);
  });

  portal.post('/delete-account', async (request, reply) => {
    const r = await signedIn(ctx, request, reply);
    if (!r) return reply;
    if (!(await postAllowed(r))) return csrfRefused(r);
    const refused = refuseWhileImpersonating(r);
    if (refused) return refused;
    if (!(await loadPolicies(ctx.db.kysely)).allowSelfDelete)
      return send(r, 403, r.t('deleteTitle'), notice(r.t('deleteNotAllowed'), 'warning'));
    const hash = r.session.user.password_hash;
    if (!hash || !(await verifyPassword(field(r, 'password'), hash)))
      return deleteForm(r, [{ field: 'password', message: r.t('wrongCurrent') }]);
    const userId = r.session.user.id;
    await withOpEnv(ctx, { actor: { type: 'user', id: userId }, permissions: new Set() }, async (env) => {
      // The policy keeps users with activity (and owners of content): their deletion is an
      // anonymisation, which removes the person and keeps the records. Others go to the trash.
      const keep =
        (env.policies.deleteOnlyWithoutActivity && (await usersWithActivity(env, [userId])).size > 0) ||
        (await usersOwningContent(env, [userId])).size > 0;
      if (keep) await anonymizeUsers(env, [userId]);
      else {
        await touchUsers(env, [userId], { deleted_at: ctx.clock.now().toISOString() });
        await endSessions(env.db, ctx.clock, [userId]);
      }
      await logUsers(env, 'user.selfDeleted', [userId], { mode: keep ? 'anonymized' : 'trash' });
    });
    reply.clearCookie(r.names.session, cookieOptions(r, null));
    r.p.user = null;
    return send(r, 200, r.t('deleteTitle'), notice(r.t('deleted'), 'success'));
  });
}
