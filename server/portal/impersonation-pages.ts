import type { FastifyInstance } from 'fastify';
import { appendActivity, type Actor } from '../activity/log';
import type { ServerContext } from '../context';
import { checkUserToken, consumeUserToken } from '../lifecycle/tokens';
import { csrfField, html, notice } from './html';
import { csrfRefused } from './account-pages';
import { cookieOptions, displayNameOf, field, portalRequest, postAllowed, redirect, send, type PortalRequest } from './request';
import { closeSession, impersonationSessionMs, openSession } from './session';

interface ImpersonationData {
  actorType: Actor['type'];
  actorId: string | null;
  reason: string;
}

/** The impersonation landing (confirm, then a session marked as impersonation) and its exit. */
export function impersonationPages(portal: FastifyInstance, ctx: ServerContext): void {
  const dead = (r: PortalRequest, reason: 'unknown' | 'used' | 'expired') =>
    send(
      r,
      reason === 'unknown' ? 404 : 410,
      r.t('impersonateTitle'),
      notice(r.t(reason === 'unknown' ? 'linkUnknown' : reason === 'used' ? 'linkUsed' : 'linkExpired'), 'warning'),
      { nav: false },
    );

  portal.get('/impersonate', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    const token = String((request.query as Record<string, unknown>).token ?? '');
    const state = await checkUserToken(ctx.db.kysely, ctx.clock, 'impersonation', token);
    if (!state.ok) return dead(r, state.reason);
    const user = await ctx.db.kysely
      .selectFrom('users')
      .selectAll()
      .where('id', '=', state.row.user_id)
      .executeTakeFirstOrThrow();
    return send(
      r,
      200,
      r.t('impersonateTitle'),
      html`<p>${r.t('impersonateIntro', { name: displayNameOf(user) })}</p>
        <form method="post" action="/portal/impersonate">
          ${csrfField(r.p)}<input type="hidden" name="token" value="${token}" /> <button type="submit">${r.t('continue')}</button>
        </form>`,
      { nav: false },
    );
  });

  portal.post('/impersonate', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (!(await postAllowed(r))) return csrfRefused(r);
    const token = field(r, 'token');
    const result = await ctx.db.kysely.transaction().execute(async (trx) => {
      const used = await consumeUserToken(trx, ctx.clock, 'impersonation', token);
      if (!used.ok) return { error: used.reason };
      const data = JSON.parse(used.row.data ?? '{}') as ImpersonationData;
      const user = await trx
        .selectFrom('users')
        .select(['id', 'active', 'deleted_at'])
        .where('id', '=', used.row.user_id)
        .executeTakeFirst();
      if (!user || user.active !== 1 || user.deleted_at) return { error: 'unknown' as const };
      const opened = await openSession(trx, ctx, {
        userId: user.id,
        kind: 'impersonation',
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        impersonatorId: data.actorId,
      });
      await appendActivity(
        trx,
        ctx.clock,
        { type: data.actorType, id: data.actorId },
        {
          action: 'impersonation.started',
          targetType: 'user',
          targetId: user.id,
          data: { session: opened.sessionId, reason: data.reason },
        },
      );
      return { cookie: opened.cookie };
    });
    if ('error' in result) return dead(r, result.error!);
    reply.setCookie(r.names.session, result.cookie, cookieOptions(r, impersonationSessionMs));
    return redirect(r, '/portal/account');
  });

  portal.post('/impersonation/exit', async (request, reply) => {
    const r = await portalRequest(ctx, request, reply);
    if (!(await postAllowed(r))) return csrfRefused(r);
    if (r.session?.kind === 'impersonation') await closeSession(ctx, r.session);
    reply.clearCookie(r.names.session, cookieOptions(r, null));
    r.p.user = null;
    r.p.impersonating = false;
    return send(r, 200, r.t('impersonateTitle'), notice(r.t('impersonationEnded'), 'success'), { nav: false });
  });
}
