/** The languages the portal pages and the mails are written in. */
export const uiLanguages = ['en', 'es', 'fr'] as const;
export type UiLanguage = (typeof uiLanguages)[number];

const isUi = (value: string): value is UiLanguage => (uiLanguages as readonly string[]).includes(value);

/** The UI language for a BCP 47 tag (`fr-CA` → `fr`); English when we do not speak it. */
export function uiLanguage(tag: string | null | undefined): UiLanguage {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isUi(primary) ? primary : 'en';
}

/** The best UI language of an Accept-Language header, by its q-values. */
export function fromAcceptLanguage(header: string | undefined): UiLanguage | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: (tag ?? '').trim(), q: q ? Number(q[1]) : 1 };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const primary = tag.toLowerCase().split(/[-_]/)[0] ?? '';
    if (isUi(primary)) return primary;
  }
  return null;
}

/** Fills `{name}` placeholders. */
export const fill = (text: string, vars: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
