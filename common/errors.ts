/**
 * Typed errors shared by every layer. An error crosses IPC as plain data: a stable code, the i18n
 * key the renderer translates, and parameters for the message. Never an exception text or stack.
 */

export const errorCodes = [
  'invalidInput',
  'unknownChannel',
  'forbiddenSender',
  'internal',
  'notFound',
  'conflict',
  'staleVersion',
  'unauthorized',
  'forbidden',
  'offline',
  'unreachable',
  'tls',
  'timeout',
  'cancelled',
  'rateLimited',
  'server',
  'keychainUnavailable',
  'dialogCancelled',
  'badFile',
  'notSupported',
  'validation',
  'notConnected',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type ErrorParams = Record<string, string | number | boolean | null>;

/** One problem with one field of an input: `path` is the dotted field path. */
export interface FieldIssue {
  path: string;
  key: string;
  params?: ErrorParams;
}

export interface AppErrorData {
  code: ErrorCode;
  /** vue-i18n key, e.g. `errors.invalidInput`. */
  key: string;
  params: ErrorParams;
  /** Per-field problems of a validation error. */
  issues?: FieldIssue[];
  /** Extra structured data the UI may need (e.g. the server's current copy on a stale version). */
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly key: string;
  readonly params: ErrorParams;
  readonly issues?: FieldIssue[];
  readonly details?: unknown;

  constructor(code: ErrorCode, params: ErrorParams = {}, extra: { key?: string; issues?: FieldIssue[]; details?: unknown } = {}) {
    super(code);
    this.name = 'AppError';
    this.code = code;
    this.key = extra.key ?? `errors.${code}`;
    this.params = params;
    this.issues = extra.issues;
    this.details = extra.details;
  }

  toData(): AppErrorData {
    const data: AppErrorData = { code: this.code, key: this.key, params: this.params };
    if (this.issues) data.issues = this.issues;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && (errorCodes as readonly string[]).includes(v.code) && typeof v.key === 'string';
}

/** What every `window.userdeck` call resolves to. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };
