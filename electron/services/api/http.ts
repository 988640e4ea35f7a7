/**
 * The HTTP layer under the admin and SCIM clients: axios with the connection's TLS and proxy
 * agents, a timeout and cancellation through AbortSignal, retries of safe calls on 429/502/503/504,
 * one credential renewal on 401 and then a re-authentication signal, and every failure as AppError.
 * No Electron here: the app, the browser bridge and the CLI use it alike.
 */
import axios, { type AxiosResponse } from 'axios';
import { AppError } from '../../../common/errors';
import type { Logger } from '../log/logger';
import { silentLogger } from '../log/logger';
import { httpError, networkError } from './errors';
import { createNetwork, type NetworkSetup, type ProxySetting, type TlsSettings } from './network';
import {
  defaultRetryPolicy,
  mayRetry,
  parseRetryAfter,
  retryableStatuses,
  retryDelay,
  sleep,
  type HttpMethod,
  type RetryPolicy,
} from './retry';

/** Where the Authorization header comes from. */
export interface AuthProvider {
  /** The header for the next call; obtains a credential first when there is none yet. */
  header(signal?: AbortSignal): Promise<string | undefined>;
  /**
   * After a 401: tries once to get a fresh credential. False when only the user can help (no
   * refresh possible, password or secret rejected).
   */
  renew(signal?: AbortSignal): Promise<boolean>;
}

export interface HttpClientOptions {
  baseUrl: string;
  tls?: TlsSettings;
  proxy?: ProxySetting;
  /** Per attempt; 30 s by default. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  userAgent?: string;
  /** Called when the server rejects the credentials and they cannot be renewed. */
  onReauthRequired?: () => void;
  env?: NodeJS.ProcessEnv;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Sent as `Idempotency-Key`; makes a POST or PATCH safe to retry. */
  idempotencyKey?: string;
  /** The call only reads (e.g. a lookup sent as POST): safe to retry. */
  retrySafe?: boolean;
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface RequestSpec extends CallOptions {
  method: HttpMethod;
  /** Relative to the base URL (`/api/v1/users`), or absolute for another host (an OAuth token URL). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** `application/x-www-form-urlencoded` fields instead of a JSON body. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Send the Authorization header (default true). */
  auth?: boolean;
  contentType?: string;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

const MAX_BODY = 64 * 1024 * 1024;

function flatHeaders(headers: AxiosResponse['headers']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value == null ? undefined : String(value);
  }
  return out;
}

function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class HttpClient {
  readonly baseUrl: URL;
  private readonly prefix: string;
  auth: AuthProvider | undefined;
  private readonly network: NetworkSetup;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly onReauthRequired: (() => void) | undefined;

  constructor(options: HttpClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new AppError('validation', { field: 'baseUrl' }, { key: 'errors.validation' });
    }
    // Credentials inside a URL would end up in logs and profile files: they go in the keychain.
    if ((base.protocol !== 'http:' && base.protocol !== 'https:') || base.username || base.password) {
      throw new AppError('validation', { field: 'baseUrl' }, { key: 'errors.validation' });
    }
    base.search = '';
    base.hash = '';
    this.baseUrl = base;
    // The base URL's path is a prefix: `https://host/dir` + `/api/v1` = `https://host/dir/api/v1`.
    this.prefix = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.network = createNetwork(base, options.tls ?? {}, options.proxy ?? { mode: 'system' }, options.env);
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.logger = options.logger ?? silentLogger;
    this.userAgent = options.userAgent ?? 'Userdeck';
    this.onReauthRequired = options.onReauthRequired;
  }

  get host(): string {
    return this.baseUrl.host;
  }

  urlOf(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    return `${this.prefix}${path.startsWith('/') ? path : `/${path}`}`;
  }

  async request<T>(spec: RequestSpec): Promise<HttpResponse<T>> {
    const url = this.urlOf(spec.path) + queryString(spec.query);
    const host = new URL(url).host;
    const useAuth = spec.auth !== false && this.auth !== undefined;
    const retryable = mayRetry(spec.method, spec);
    let renewed = false;

    for (let attempt = 1; ; attempt++) {
      const authorization = useAuth ? await this.authHeader(spec.signal) : undefined;
      const started = Date.now();
      const response = await this.send(url, host, spec, authorization);
      this.logger.debug('api: call', {
        method: spec.method,
        path: new URL(url).pathname,
        status: response.status,
        ms: Date.now() - started,
        attempt,
      });

      if (response.status === 401 && useAuth) {
        if (!renewed) {
          renewed = true;
          if (await this.renew(spec.signal)) {
            attempt--; // a renewal is not a retry
            continue;
          }
        }
        this.onReauthRequired?.();
        throw new AppError('unauthorized', { host, status: 401 }, { key: 'errors.reauthRequired' });
      }

      if (retryableStatuses.has(response.status) && retryable) {
        const wait = retryDelay(attempt, parseRetryAfter(response.headers['retry-after']), this.policy);
        if (wait !== null) {
          this.logger.info('api: retrying', { path: new URL(url).pathname, status: response.status, wait, attempt });
          try {
            await sleep(wait, spec.signal);
          } catch {
            throw new AppError('cancelled', { host });
          }
          continue;
        }
      }

      if (response.status >= 300) {
        if (response.status < 400) {
          throw new AppError(
            'server',
            { host, status: response.status, location: response.headers.location ?? '' },
            { key: 'errors.redirect' },
          );
        }
        throw httpError(response.status, response.data, response.headers);
      }
      return response as HttpResponse<T>;
    }
  }

  private async authHeader(signal: AbortSignal | undefined): Promise<string | undefined> {
    try {
      return await this.auth!.header(signal);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') this.onReauthRequired?.();
      throw error;
    }
  }

  private async renew(signal: AbortSignal | undefined): Promise<boolean> {
    try {
      return await this.auth!.renew(signal);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') return false;
      throw error;
    }
  }

  private async send(
    url: string,
    host: string,
    spec: RequestSpec,
    authorization: string | undefined,
  ): Promise<HttpResponse<unknown>> {
    if (spec.signal?.aborted) throw new AppError('cancelled', { host });
    const timeout = AbortSignal.timeout(spec.timeoutMs ?? this.timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json, application/scim+json',
      'user-agent': this.userAgent,
      ...spec.headers,
    };
    if (authorization) headers.authorization = authorization;
    if (spec.idempotencyKey) headers['idempotency-key'] = spec.idempotencyKey;
    let data: unknown;
    if (spec.form) {
      data = new URLSearchParams(spec.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (spec.body !== undefined) {
      data = JSON.stringify(spec.body);
      headers['content-type'] = spec.contentType ?? 'application/json';
    }
    try {
      const response = await axios.request({
        url,
        method: spec.method,
        data,
        headers,
        signal,
        httpAgent: this.network.httpAgent,
        httpsAgent: this.network.httpsAgent,
        proxy: this.network.proxy,
        maxRedirects: 0,
        maxContentLength: MAX_BODY,
        maxBodyLength: MAX_BODY,
        validateStatus: () => true,
        responseType: 'text',
        transformResponse: [(raw: unknown) => raw],
        decompress: true,
      });
      return { status: response.status, data: parseBody(response.data), headers: flatHeaders(response.headers) };
    } catch (error) {
      if (spec.signal?.aborted) throw new AppError('cancelled', { host });
      if (timeout.aborted) throw new AppError('timeout', { host });
      const mapped = networkError(error, host);
      this.logger.warn('api: network error', { host, code: mapped.code, reason: mapped.params.reason ?? null });
      throw mapped;
    }
  }

  /** Closes the connection's sockets. */
  dispose(): void {
    this.network.destroy();
  }
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return raw === '' ? null : raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
