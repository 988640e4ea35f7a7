import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context';
import { initSetting } from '../settings/store';
import { accountPages } from './account-pages';
import { portalCss } from './assets';
import { authPages } from './auth-pages';
import { formPages } from './form-pages';
import { notice } from './html';
import { impersonationPages } from './impersonation-pages';
import { portalRequest, send, type Form } from './request';

/** Form bodies: repeated names (checkboxes) become lists. */
function parseForm(body: string): Form {
  const out: Form = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** No scripts, no inline style, no framing, forms only to ourselves, and no URL with a token leaks as a referrer. */
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The portal at /portal (DESIGN.md §4): small server-rendered pages for end users, translated, with
 * session cookies (HttpOnly, SameSite, Secure over TLS) and a CSRF token on every form.
 */
export async function registerPortal(
  app: FastifyInstance,
  ctx: ServerContext,
  logger?: { error(message: string): void },
): Promise<void> {
  // Signs the CSRF tokens; kept in the database so every instance shares it.
  await initSetting(ctx.db.kysely, 'portalSecret', randomBytes(32).toString('base64url'));
  await app.register(
    async (portal) => {
      await portal.register(cookie);
      portal.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 256 * 1024 },
        (_req, body, done) => done(null, parseForm(body as string)),
      );
      portal.addHook('onSend', async (_request, reply, payload) => {
        for (const [name, value] of Object.entries(securityHeaders)) if (!reply.hasHeader(name)) reply.header(name, value);
        return payload;
      });
      portal.get('/assets/portal.css', async (_request, reply) =>
        reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(portalCss),
      );
      authPages(portal, ctx);
      accountPages(portal, ctx);
      formPages(portal, ctx);
      impersonationPages(portal, ctx);
      portal.setNotFoundHandler(async (request, reply) => {
        const r = await portalRequest(ctx, request, reply);
        return send(r, 404, r.t('errorTitle'), notice(r.t('notFound'), 'warning'));
      });
      portal.setErrorHandler(async (error, request, reply) => {
        const status = (error as { statusCode?: number }).statusCode;
        const r = await portalRequest(ctx, request, reply).catch(() => null);
        if (!r) return reply.code(500).type('text/plain').send('error');
        if (status && status >= 400 && status < 500) return send(r, status, r.t('errorTitle'), notice(r.t('csrf'), 'warning'));
        logger?.error(`${request.method} ${request.url.split('?')[0]}: ${String((error as Error)?.stack ?? error)}`);
        return send(r, 500, r.t('errorTitle'), notice(r.t('serverError'), 'warning'));
      });
    },
    { prefix: '/portal' },
  );
}
