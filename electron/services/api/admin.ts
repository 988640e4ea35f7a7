/**
 * Typed calls of the Userdeck admin API (`/api/v1`, DESIGN.md §4). Types come from
 * common/api/admin.ts and common/users; nothing is redefined here.
 */
import { AppError } from '../../../common/errors';
import type {
  BatchRequest,
  BatchResponse,
  Capabilities,
  LoginRequest,
  LookupRequest,
  LookupResponse,
  Me,
  OutboxPage,
  TokenPair,
} from '../../../common/api/admin';
import type { z } from 'zod';
import type { userListQuerySchema } from '../../../common/users/query';
import type { Page, User, UserWrite } from '../../../common/users/user';
import type { CallOptions, HttpClient, HttpResponse, QueryValue } from './http';

export const ADMIN_PREFIX = '/api/v1';

/** The users list query: the known filters plus `cf.<key>` custom field filters. */
export type UserListParams = z.input<ReturnType<(typeof userListQuerySchema)['strip']>> & { [filter: `cf.${string}`]: string };

/** A resource with the ETag the server sent, for a later If-Match. */
export interface Versioned<T> {
  value: T;
  etag: string | null;
}

export interface WriteOptions extends CallOptions {
  /** The ETag read with the resource, or its `version` number. */
  ifMatch?: string | number;
}

const etagOf = (ifMatch: string | number) => (typeof ifMatch === 'number' ? `W/"${ifMatch}"` : ifMatch);
const id = (value: string) => encodeURIComponent(value);

export class AdminClient {
  constructor(readonly http: HttpClient) {}

  private async call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    options: CallOptions & {
      body?: unknown;
      query?: Record<string, QueryValue>;
      auth?: boolean;
      headers?: Record<string, string>;
    } = {},
  ): Promise<HttpResponse<T>> {
    return this.http.request<T>({ method, path: `${ADMIN_PREFIX}${path}`, ...options });
  }

  /**
   * A write refused with 412 gets the server's current copy attached (`details.current`), so the
   * UI can show theirs next to mine instead of overwriting.
   */
  private async write<T>(
    method: 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    options: WriteOptions,
  ): Promise<HttpResponse<T>> {
    const { ifMatch, ...call } = options;
    try {
      return await this.call<T>(method, path, {
        ...call,
        body,
        headers: ifMatch !== undefined ? { 'if-match': etagOf(ifMatch) } : undefined,
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'staleVersion') throw error;
      let current: Versioned<unknown> | null = null;
      try {
        const fresh = await this.call<unknown>('GET', path, { signal: options.signal });
        current = { value: fresh.data, etag: fresh.headers.etag ?? null };
      } catch {
        // Gone meanwhile: the error stays a stale version, without a copy to compare.
      }
      throw new AppError('staleVersion', error.params, { details: { current } });
    }
  }

  // --- auth -----------------------------------------------------------------------------------

  async login(credentials: LoginRequest, options: CallOptions = {}): Promise<TokenPair> {
    try {
      return (await this.call<TokenPair>('POST', '/auth/login', { ...options, body: credentials, auth: false })).data;
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') {
        throw new AppError('unauthorized', error.params, { key: 'errors.badCredentials' });
      }
      throw error;
    }
  }

  async refresh(refreshToken: string, options: CallOptions = {}): Promise<TokenPair> {
    return (await this.call<TokenPair>('POST', '/auth/refresh', { ...options, body: { refreshToken }, auth: false })).data;
  }

  async logout(refreshToken: string | null, options: CallOptions = {}): Promise<void> {
    await this.call('POST', '/auth/logout', { ...options, body: refreshToken ? { refreshToken } : {} });
  }

  async me(options: CallOptions = {}): Promise<Me> {
    return (await this.call<Me>('GET', '/auth/me', options)).data;
  }

  async capabilities(options: CallOptions & { auth?: boolean } = {}): Promise<Capabilities> {
    return (await this.call<Capabilities>('GET', '/capabilities', options)).data;
  }

  // --- users ----------------------------------------------------------------------------------

  async listUsers(query: UserListParams = {}, options: CallOptions = {}): Promise<Page<User>> {
    return (await this.call<Page<User>>('GET', '/users', { ...options, query: query as Record<string, QueryValue> })).data;
  }

  /** Every user matching a query, page by page with the keyset cursor. */
  async *iterateUsers(query: UserListParams = {}, options: CallOptions = {}): AsyncGenerator<User[], void, void> {
    let cursor: string | undefined;
    let page = 1;
    for (;;) {
      const next = (cursor ? { ...query, cursor } : { ...query, page }) as UserListParams;
      const result = await this.listUsers(next, options);
      if (result.items.length) yield result.items;
      if (result.nextCursor) cursor = result.nextCursor;
      else if (!cursor && result.page * result.pageSize < result.total && result.items.length) page++;
      else return;
    }
  }

  async getUser(userId: string, options: CallOptions = {}): Promise<Versioned<User>> {
    const response = await this.call<User>('GET', `/users/${id(userId)}`, options);
    return { value: response.data, etag: response.headers.etag ?? null };
  }

  async createUser(user: UserWrite, options: CallOptions = {}): Promise<Versioned<User>> {
    const response = await this.call<User>('POST', '/users', { ...options, body: user });
    return { value: response.data, etag: response.headers.etag ?? null };
  }

  async patchUser(userId: string, patch: UserWrite, options: WriteOptions = {}): Promise<Versioned<User>> {
    const response = await this.write<User>('PATCH', `/users/${id(userId)}`, patch, options);
    return { value: response.data, etag: response.headers.etag ?? null };
  }

  /** Moves the user to the trash. */
  async deleteUser(userId: string, options: WriteOptions = {}): Promise<void> {
    await this.write('DELETE', `/users/${id(userId)}`, undefined, options);
  }

  /** Existing users by username or email; a read, so safe to retry although it is a POST. */
  async lookup(request: LookupRequest, options: CallOptions = {}): Promise<LookupResponse> {
    return (await this.call<LookupResponse>('POST', '/users/lookup', { retrySafe: true, ...options, body: request })).data;
  }

  /** Upserts rows; each row's idempotency key makes a repeat harmless, so this is retried. */
  async batch(request: BatchRequest, options: CallOptions = {}): Promise<BatchResponse> {
    return (await this.call<BatchResponse>('POST', '/users/batch', { retrySafe: true, ...options, body: request })).data;
  }

  // --- mail -----------------------------------------------------------------------------------

  async outbox(query: { page?: number; pageSize?: number } = {}, options: CallOptions = {}): Promise<OutboxPage> {
    return (await this.call<OutboxPage>('GET', '/outbox', { ...options, query })).data;
  }
}
