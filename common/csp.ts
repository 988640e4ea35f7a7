/**
 * The renderer's Content-Security-Policy, sent by Electron's app:// protocol and by the browser
 * bridge alike: no eval, no inline or remote scripts; inline styles only because Vuetify injects
 * its theme as a style element.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The same policy for a `<meta>` tag, which cannot carry frame-ancestors (headers still do). */
export const metaContentSecurityPolicy = contentSecurityPolicy
  .split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
