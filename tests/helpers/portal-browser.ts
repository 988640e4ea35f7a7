/**
 * A small browser for the portal's server-rendered pages: keeps cookies as a browser does, reads
 * forms out of the HTML (hidden fields, the CSRF token included) and submits them, following
 * redirects by hand so tests see every status and cookie.
 */
export interface PortalPage {
  status: number;
  url: string;
  html: string;
  headers: Headers;
  /** The cookies the last response set, with their attributes, as sent. */
  setCookies: string[];
}

const decode = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

export class PortalBrowser {
  readonly cookies = new Map<string, string>();
  page: PortalPage | null = null;

  constructor(
    readonly base: string,
    readonly headers: Record<string, string> = {},
  ) {}

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async request(
    method: string,
    url: string,
    body?: URLSearchParams,
    extra: Record<string, string> = {},
  ): Promise<PortalPage> {
    let target = new URL(url, this.base).toString();
    let m = method;
    let b: URLSearchParams | undefined = body;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(target, {
        method: m,
        redirect: 'manual',
        headers: {
          ...this.headers,
          ...extra,
          ...(this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          ...(b ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: b?.toString(),
      });
      const setCookies = response.headers.getSetCookie();
      this.remember(setCookies);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        target = new URL(location, target).toString();
        m = 'GET';
        b = undefined;
        continue;
      }
      this.page = { status: response.status, url: target, html: await response.text(), headers: response.headers, setCookies };
      return this.page;
    }
    throw new Error('too many redirects');
  }

  get(url: string, extra: Record<string, string> = {}): Promise<PortalPage> {
    return this.request('GET', url, undefined, extra);
  }

  /** The fields of the current page's form posting to `action` (hidden and pre-filled ones). */
  formFields(action: string): Record<string, string> {
    const html = this.page?.html ?? '';
    const forms = [...html.matchAll(/<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => decode(f[1]!) === action);
    if (!form) throw new Error(`no form posting to ${action} on ${this.page?.url}: ${html.slice(0, 2000)}`);
    const fields: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const attrs = input[1]!;
      const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
      const type = /\btype="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
      if (!name || type === 'checkbox') continue;
      fields[decode(name)] = decode(/\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? '');
    }
    return fields;
  }

  /** Submits the form of the current page that posts to `action`, with `values` filled in. */
  submit(
    action: string,
    values: Record<string, string | string[]> = {},
    extra: Record<string, string> = {},
  ): Promise<PortalPage> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...this.formFields(action), ...values }))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    return this.request('POST', action, body, extra);
  }

  /** A raw POST (to test refusals): no form, only what is given. */
  post(action: string, values: Record<string, string>, extra: Record<string, string> = {}): Promise<PortalPage> {
    return this.request('POST', action, new URLSearchParams(values), extra);
  }
}

/** The text of a page without tags, spaces collapsed (for assertions on what a person reads). */
export const textOf = (html: string): string =>
  decode(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const match = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s]*`).exec(text);
  if (!match) throw new Error(`no link starting with ${prefix} in: ${text}`);
  return match[0];
}
