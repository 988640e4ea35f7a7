/**
 * The three ways a connection proves who it is: an API token, a username and password signed in to
 * the Userdeck admin API (access token + rotated refresh token), and OAuth2 client credentials.
 * Secrets are asked for through callbacks, so they stay in the keychain until the moment of use.
 */
import { AppError } from '../../../common/errors';
import type { TokenPair } from '../../../common/api/admin';
import type { AuthProvider, HttpClient } from './http';

/** Renews slightly early so a token does not expire in flight. */
const EARLY_MS = 30_000;

/** Runs one renewal at a time; concurrent callers share it. */
function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= run().finally(() => (pending = null));
    return pending;
  };
}

const reauth = (key = 'errors.reauthRequired') => new AppError('unauthorized', {}, { key });

/** A fixed API token (`Authorization: Bearer <token>`): nothing to renew. */
export function tokenAuth(token: string | (() => Promise<string | null>)): AuthProvider {
  return {
    async header() {
      const value = typeof token === 'string' ? token : await token();
      if (!value) throw reauth();
      return `Bearer ${value}`;
    },
    async renew() {
      return false;
    },
  };
}

export interface PasswordAuthDeps {
  username: string;
  /** The stored password, or null when the user must type it. */
  password(): Promise<string | null>;
  login(username: string, password: string, signal?: AbortSignal): Promise<TokenPair>;
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenPair>;
  loadRefreshToken(): Promise<string | null>;
  /** Refresh tokens rotate: the new one replaces the old in the keychain (null removes it). */
  saveRefreshToken(token: string | null): Promise<void>;
  now?: () => number;
}

/** Username and password against `/api/v1/auth/login`, then refresh tokens until they are refused. */
export class PasswordAuth implements AuthProvider {
  private access: { token: string; expiresAt: number } | null = null;
  private readonly now: () => number;
  readonly renew: () => Promise<boolean>;

  constructor(private readonly deps: PasswordAuthDeps) {
    this.now = deps.now ?? Date.now;
    this.renew = singleFlight(() => this.obtain());
  }

  async header(): Promise<string | undefined> {
    if (!this.access || this.access.expiresAt - EARLY_MS <= this.now()) {
      if (!(await this.renew())) throw reauth();
    }
    return `Bearer ${this.access!.token}`;
  }

  /** Signs in with a password now, replacing any session (the sign-in dialog). */
  async signIn(password: string): Promise<void> {
    this.take(await this.deps.login(this.deps.username, password));
  }

  /** Drops the session locally (after a logout). */
  forget(): void {
    this.access = null;
  }

  private take(pair: TokenPair): Promise<void> {
    this.access = { token: pair.accessToken, expiresAt: this.now() + Math.max(1, pair.expiresIn) * 1000 };
    return this.deps.saveRefreshToken(pair.refreshToken);
  }

  private async obtain(): Promise<boolean> {
    this.access = null;
    const refreshToken = await this.deps.loadRefreshToken();
    if (refreshToken) {
      try {
        await this.take(await this.deps.refresh(refreshToken));
        return true;
      } catch (error) {
        // A refused refresh token is spent; anything else (offline…) is the caller's to see.
        if (!(error instanceof AppError) || (error.code !== 'unauthorized' && error.code !== 'validation')) throw error;
        await this.deps.saveRefreshToken(null);
      }
    }
    const password = await this.deps.password();
    if (!password) return false;
    try {
      await this.take(await this.deps.login(this.deps.username, password));
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') return false;
      throw error;
    }
  }
}

export interface ClientCredentialsSettings {
  tokenUrl: string;
  clientId: string;
  scope?: string | null;
  clientSecret(): Promise<string | null>;
  now?: () => number;
}

interface OAuthTokenResponse {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  error?: unknown;
}

const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');

/**
 * OAuth2 client credentials (RFC 6749 §4.4): client_secret_basic to the token URL, the access token
 * kept in memory until it expires.
 */
export class ClientCredentialsAuth implements AuthProvider {
  private access: { token: string; expiresAt: number } | null = null;
  private readonly now: () => number;
  readonly renew: () => Promise<boolean>;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: ClientCredentialsSettings,
  ) {
    this.now = settings.now ?? Date.now;
    this.renew = singleFlight(() => this.obtain());
  }

  async header(): Promise<string | undefined> {
    if (!this.access || this.access.expiresAt - EARLY_MS <= this.now()) {
      if (!(await this.renew())) throw reauth();
    }
    return `Bearer ${this.access!.token}`;
  }

  private async obtain(): Promise<boolean> {
    this.access = null;
    const secret = await this.settings.clientSecret();
    if (!secret) return false;
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (this.settings.scope) form.scope = this.settings.scope;
    const basic = Buffer.from(`${formEncode(this.settings.clientId)}:${formEncode(secret)}`).toString('base64');
    let answer: OAuthTokenResponse;
    try {
      const response = await this.http.request<OAuthTokenResponse>({
        method: 'POST',
        path: this.settings.tokenUrl,
        form,
        auth: false,
        headers: { authorization: `Basic ${basic}` },
        retrySafe: true,
      });
      answer = response.data ?? {};
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // RFC 6749 §5.2: a bad client is 401, or 400 with invalid_client / unauthorized_client.
      if (error.code === 'unauthorized' || error.code === 'validation') {
        throw new AppError('unauthorized', {}, { key: 'errors.badClientCredentials' });
      }
      throw error;
    }
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new AppError('server', { detail: 'token endpoint gave no access_token' }, { key: 'errors.badTokenResponse' });
    }
    const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 300;
    this.access = { token: answer.access_token, expiresAt: this.now() + expiresIn * 1000 };
    return true;
  }
}
