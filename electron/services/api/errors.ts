/**
 * Every failure of a backend call becomes an AppError with a stable code and i18n key: network
 * errors by their system code, HTTP errors by status, with what the UI needs as params (the missing
 * permission, the field, the Retry-After) read from problem+json (admin API) or SCIM error bodies.
 */
import { AppError, type ErrorParams, type FieldIssue } from '../../../common/errors';
import type { Problem } from '../../../common/api/admin';
import { ProxyError, TlsVerificationError } from './network';

const offlineCodes = new Set(['ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
const unreachableCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE', 'EHOSTDOWN', 'ERR_SOCKET_CLOSED']);
const timeoutCodes = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const tlsCodePattern = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/;

/** A SCIM error body (RFC 7644 §3.12). */
interface ScimError {
  schemas?: string[];
  status?: string | number;
  scimType?: string;
  detail?: string;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_REQUEST' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_NETWORK') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function find<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A connection-level failure (no HTTP answer) as an AppError; `host` names the server. */
export function networkError(error: unknown, host: string): AppError {
  const tls = find(error, TlsVerificationError);
  if (tls) {
    return new AppError('tls', { host, reason: tls.code }, { details: { certificate: tls.certificate } });
  }
  const proxy = find(error, ProxyError);
  if (proxy) return new AppError('unreachable', { host, proxyStatus: proxy.status }, { key: 'errors.proxy' });
  const code = errorCode(error) ?? '';
  if (offlineCodes.has(code)) return new AppError('offline', { host });
  if (code === 'ENOTFOUND') return new AppError('unreachable', { host }, { key: 'errors.unknownHost' });
  if (unreachableCodes.has(code)) return new AppError('unreachable', { host });
  if (timeoutCodes.has(code)) return new AppError('timeout', { host });
  if (tlsCodePattern.test(code)) return new AppError('tls', { host, reason: code }, { details: { certificate: null } });
  return new AppError('unreachable', { host });
}

const text = (value: unknown, max = 300): string | null =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null;

function problemIssues(problem: Partial<Problem>): FieldIssue[] {
  if (!Array.isArray(problem.errors)) return [];
  return problem.errors
    .filter((e) => e && typeof e.field === 'string')
    .map((e) => ({
      path: e.field,
      key: `validation.user.${typeof e.code === 'string' ? e.code : 'invalid'}`,
      params: Object.fromEntries(
        Object.entries(e.params ?? {}).filter(([, v]) => typeof v === 'string' || typeof v === 'number'),
      ) as ErrorParams,
    }));
}

/** The attribute a SCIM error is about, when its detail names one (servers say it in many ways). */
function scimField(detail: string | null): string | null {
  if (!detail) return null;
  const match = /\b(?:attribute|field|path)\s+["'`]?([A-Za-z][\w.:$-]*)/i.exec(detail);
  return match?.[1] ?? null;
}

/** An HTTP error answer (status ≥ 400) as an AppError. */
export function httpError(status: number, body: unknown, headers: Record<string, string | undefined>): AppError {
  const problem: Partial<Problem> & ScimError = body && typeof body === 'object' ? (body as Partial<Problem> & ScimError) : {};
  const detail = text(problem.detail) ?? text(problem.title);
  const base: ErrorParams = { status };
  if (detail) base.detail = detail;
  const issues = problemIssues(problem);
  const field = issues[0]?.path ?? scimField(detail);

  switch (true) {
    case status === 401:
      return new AppError('unauthorized', base);
    case status === 403: {
      const permission = text(problem.permission, 100);
      return permission
        ? new AppError('forbidden', { ...base, permission }, { key: 'errors.forbiddenPermission' })
        : new AppError('forbidden', base);
    }
    case status === 404:
      return new AppError('notFound', base);
    case status === 409:
      return new AppError('conflict', field ? { ...base, field } : base, issues.length ? { issues } : {});
    case status === 412:
      return new AppError('staleVersion', base);
    case status === 413:
      return new AppError('validation', base, { key: 'errors.tooLarge' });
    case status === 429: {
      const retryAfter = headers['retry-after'];
      return new AppError('rateLimited', retryAfter ? { ...base, retryAfter } : base);
    }
    case status === 400 || status === 422:
      return new AppError(
        'validation',
        { ...base, field: field ?? '' },
        { key: field ? 'errors.validation' : 'errors.validationGeneral', ...(issues.length ? { issues } : {}) },
      );
    case status === 502 || status === 503 || status === 504:
      return new AppError('server', base, { key: 'errors.serverUnavailable' });
    default:
      return new AppError('server', base);
  }
}
