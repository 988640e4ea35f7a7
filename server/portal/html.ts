import { escapeHtml as e, uiLanguages, type UiLanguage } from '../i18n/language';
import type { PortalKey, Translate } from './i18n';

/** Marks text as already-escaped HTML. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A template literal that escapes every interpolated value unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const text = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.value : e(String(v ?? '')))).join('')
      : value instanceof Html
        ? value.value
        : value === null || value === undefined || value === false
          ? ''
          : e(String(value));
    out += text + strings[i + 1]!;
  });
  return new Html(out);
}

export interface PageContext {
  t: Translate;
  lang: UiLanguage;
  /** The current path with its query (the language links keep it). */
  path: string;
  csrf: string;
  /** Set when signed in. */
  user?: { name: string; username: string } | null;
  /** Set while an administrator impersonates the user. */
  impersonating?: boolean;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The error summary at the top of a form: a live region listing each problem, linked to its field. */
export function errorSummary(p: PageContext, errors: FieldError[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="errors" role="alert" aria-labelledby="error-title" tabindex="-1">
    <h2 id="error-title">${p.t('errorSummary')}</h2>
    <ul>
      ${errors.map((er) => (er.field ? html`<li><a href="#${er.field}">${er.message}</a></li>` : html`<li>${er.message}</li>`))}
    </ul>
  </div>`;
}

export function notice(text: string | null | undefined, kind: 'info' | 'success' | 'warning' = 'info'): Html {
  return text ? html`<p class="notice ${kind}" role="status">${text}</p>` : html``;
}

export const csrfField = (p: PageContext): Html => html`<input type="hidden" name="_csrf" value="${p.csrf}" />`;

export interface InputOptions {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  errors?: FieldError[];
  autofocus?: boolean;
  extra?: Html;
}

/** A labelled input, with its hint and error tied to it for screen readers. */
export function input(o: InputOptions): Html {
  const error = o.errors?.find((er) => er.field === o.name);
  const described = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${o.name}">${o.label}${o.required ? html` <span class="req">*</span>` : ''}</label>
    ${o.hint ? html`<p class="hint" id="${o.name}-hint">${o.hint}</p>` : ''}
    ${error ? html`<p class="error" id="${o.name}-error">${error.message}</p>` : ''}
    <input
      id="${o.name}"
      name="${o.name}"
      type="${o.type ?? 'text'}"
      ${o.value !== undefined ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required ? html` required` : ''}${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${o.autofocus || error ? html` autofocus` : ''}${o.extra ?? ''}
    />
  </div>`;
}

export function postButton(
  p: PageContext,
  action: string,
  label: string,
  hidden: Record<string, string> = {},
  kind = 'secondary',
): Html {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(p)}${Object.entries(hidden).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}<button
      type="submit"
      class="${kind}"
    >
      ${label}
    </button>
  </form>`;
}

const languageNames: Record<UiLanguage, string> = { en: 'English', es: 'Español', fr: 'Français' };

function withLang(path: string, lang: UiLanguage): string {
  const url = new URL(path, 'http://portal.invalid');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

/** The whole page: landmarks, skip link, the impersonation bar, navigation, language links. */
export function page(p: PageContext, title: string, body: Html, status: { nav?: boolean } = {}): string {
  const nav = p.user && status.nav !== false;
  const link = (href: string, key: PortalKey) =>
    html`<li><a href="${href}" ${p.path.split('?')[0] === href ? html` aria-current="page"` : ''}>${p.t(key)}</a></li>`;
  return `<!doctype html>\n${
    html`<html lang="${p.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} · ${p.t('site')}</title>
        <link rel="stylesheet" href="/portal/assets/portal.css" />
      </head>
      <body>
        <a class="skip" href="#main">${p.t('skip')}</a>
        ${
          p.impersonating && p.user
            ? html`<div class="impersonation" role="region" aria-label="${p.t('impersonating', { name: p.user.name })}">
                <p>${p.t('impersonating', { name: p.user.name })} —</p>
                ${postButton(p, '/portal/impersonation/exit', p.t('exitImpersonation'), {}, 'exit')}
              </div>`
            : ''
        }
        <header>
          <p class="brand"><a href="/portal">${p.t('site')}</a></p>
          ${
            nav
              ? html`<nav aria-label="${p.t('navLabel')}">
                  <ul>
                    ${link('/portal/account', 'account')}${link('/portal/sessions', 'sessions')}${link('/portal/forms', 'forms')}${link('/portal/change-password', 'changePassword')}
                    <li>${postButton(p, '/portal/sign-out', p.t('signOut'), {}, 'link')}</li>
                  </ul>
                </nav>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${body}
        </main>
        <footer>
          <nav aria-label="${p.t('languageLabel')}">
            <ul class="languages">
              ${uiLanguages.map((l) =>
                l === p.lang
                  ? html`<li><span aria-current="true" lang="${l}">${languageNames[l]}</span></li>`
                  : html`<li><a href="${withLang(p.path, l)}" lang="${l}" hreflang="${l}">${languageNames[l]}</a></li>`,
              )}
            </ul>
          </nav>
        </footer>
      </body>
    </html>`.value
  }\n`;
}

/** Short date and time in the page's language, in UTC (what the server knows). */
export function when(lang: UiLanguage, iso: string | null): string {
  if (!iso) return '—';
  return `${new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
}
