import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { readSetting } from '../settings/store';
import { fromAcceptLanguage, uiLanguage, uiLanguages, type UiLanguage } from '../i18n/language';
import { page, type Html, type PageContext } from './html';
import { translator, type PortalKey, type Translate } from './i18n';
import {
  cookieNames,
  csrfToken,
  csrfValid,
  currentSession,
  newCsrfCookie,
  portalSecret,
  portalSessionMs,
  type PortalSession,
} from './session';

export type Form = Record<string, string | string[]>;

/** Everything a portal page needs about the request: session, language, CSRF, the page frame. */
export interface PortalRequest {
  ctx: ServerContext;
  request: FastifyRequest;
  reply: FastifyReply;
  session: PortalSession | null;
  lang: UiLanguage;
  t: Translate;
  p: PageContext;
  secure: boolean;
  names: ReturnType<typeof cookieNames>;
  form: Form;
}

const isUi = (v: unknown): v is UiLanguage => typeof v === 'string' && (uiLanguages as readonly string[]).includes(v);

export const displayNameOf = (u: { display_name: string | null; first_name: string; last_name: string; username: string }) =>
  u.display_name?.trim() || `${u.first_name} ${u.last_name}`.trim() || u.username;

export function cookieOptions(r: Pick<PortalRequest, 'secure'>, maxAgeMs: number | null, sameSite: 'lax' | 'strict' = 'lax') {
  return {
    path: '/portal',
    httpOnly: true,
    secure: r.secure,
    sameSite,
    ...(maxAgeMs !== null ? { maxAge: Math.floor(maxAgeMs / 1000) } : {}),
  };
}

/** Reads the session and the language, and makes sure the browser has a CSRF cookie. */
export async function portalRequest(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply): Promise<PortalRequest> {
  // TLS here, or in front of us (a public https:// address behind a terminating proxy).
  const secure =
    request.protocol === 'https' || (await readSetting<string>(ctx.db.kysely, 'publicUrl'))?.startsWith('https://') === true;
  const names = cookieNames(secure);
  const session = await currentSession(ctx, request.cookies[names.session]);
  const query = (request.query ?? {}) as Record<string, unknown>;
  let lang: UiLanguage;
  if (isUi(query.lang)) {
    lang = query.lang;
    reply.setCookie(names.lang, lang, { ...cookieOptions({ secure }, 365 * 86_400_000), httpOnly: true });
  } else if (isUi(request.cookies[names.lang])) lang = request.cookies[names.lang] as UiLanguage;
  else if (session?.user.language) lang = uiLanguage(session.user.language);
  else lang = fromAcceptLanguage(request.headers['accept-language']) ?? 'en';
  let csrfCookie = request.cookies[names.csrf];
  if (!csrfCookie || !/^[A-Za-z0-9_-]{20,64}$/.test(csrfCookie)) {
    csrfCookie = newCsrfCookie();
    reply.setCookie(names.csrf, csrfCookie, cookieOptions({ secure }, portalSessionMs, 'strict'));
  }
  const t = translator(lang);
  const secret = await portalSecret(ctx);
  const p: PageContext = {
    t,
    lang,
    path: request.url,
    csrf: csrfToken(secret, csrfCookie),
    user: session ? { name: displayNameOf(session.user), username: session.user.username } : null,
    impersonating: session?.kind === 'impersonation',
  };
  return { ctx, request, reply, session, lang, t, p, secure, names, form: (request.body as Form | undefined) ?? {} };
}

export function send(r: PortalRequest, status: number, title: string, body: Html, options: { nav?: boolean } = {}): FastifyReply {
  return r.reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(page(r.p, title, body, options));
}

export const redirect = (r: PortalRequest, to: string): FastifyReply => r.reply.code(303).header('location', to).send();

/** A string field of a posted form (the first value when repeated). */
export function field(r: PortalRequest, name: string): string {
  const value = r.form[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * A POST must come from our own pages: same origin when the browser says, and the CSRF token of
 * this browser's cookie. Anything else gets the "form expired" page.
 */
export async function postAllowed(r: PortalRequest): Promise<boolean> {
  const origin = r.request.headers.origin;
  if (origin && origin !== 'null') {
    const expected = `${r.request.protocol}://${r.request.headers.host}`;
    if (origin !== expected) return false;
  }
  return csrfValid(await portalSecret(r.ctx), r.request.cookies[r.names.csrf], r.form._csrf);
}

/** Notices carried over a redirect: only known keys, so nothing can be injected through the URL. */
const notices: PortalKey[] = [
  'signedOut',
  'invitationDone',
  'resetDone',
  'sessionEnded',
  'othersEnded',
  'answersSaved',
  'passwordChanged',
  'forgotSent',
];

export function noticeOf(r: PortalRequest): string | null {
  const q = (r.request.query ?? {}) as Record<string, unknown>;
  const key = q.notice;
  if (typeof key !== 'string' || !(notices as string[]).includes(key)) return null;
  const count = typeof q.n === 'string' && /^\d{1,6}$/.test(q.n) ? q.n : '0';
  return r.t(key as PortalKey, { count });
}
