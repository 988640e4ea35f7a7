/**
 * One connection's API clients, built from a base URL and credentials: what the app's connection
 * manager, the CLI (`--url --token`) and the files engine use.
 *
 *   const api = createApiClient({ baseUrl, credentials: { method: 'token', token } });
 *   const page = await api.admin.listUsers({ q: 'smith' });
 */
import { ClientCredentialsAuth, PasswordAuth, tokenAuth } from './auth';
import { AdminClient } from './admin';
import { HttpClient, type AuthProvider, type HttpClientOptions } from './http';
import { ScimClient } from './scim';

export type ApiCredentials =
  | { method: 'none' }
  | { method: 'token'; token: string | (() => Promise<string | null>) }
  | {
      method: 'password';
      username: string;
      password: string | (() => Promise<string | null>);
      /** Where the rotated refresh token lives; in memory when not given (the CLI). */
      refreshTokenStore?: { load(): Promise<string | null>; save(token: string | null): Promise<void> };
    }
  | {
      method: 'oauth2';
      tokenUrl: string;
      clientId: string;
      scope?: string | null;
      clientSecret: string | (() => Promise<string | null>);
    };

export interface ApiClientOptions extends HttpClientOptions {
  credentials: ApiCredentials;
  /** Where SCIM lives relative to the base URL (`/scim/v2` on a Userdeck server, `` when the URL is the SCIM root). */
  scimPath?: string;
}

export interface ApiClient {
  http: HttpClient;
  admin: AdminClient;
  scim: ScimClient;
  auth: AuthProvider | undefined;
  /** Closes its sockets. */
  dispose(): void;
}

const lazy = (value: string | (() => Promise<string | null>)) => (typeof value === 'string' ? async () => value : value);

function memoryStore() {
  let token: string | null = null;
  return {
    load: async () => token,
    save: async (next: string | null) => void (token = next),
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { credentials, scimPath, ...httpOptions } = options;
  const http = new HttpClient(httpOptions);
  const admin = new AdminClient(http);
  const scim = new ScimClient(http, scimPath ?? '/scim/v2');
  switch (credentials.method) {
    case 'token':
      http.auth = tokenAuth(credentials.token);
      break;
    case 'password': {
      const store = credentials.refreshTokenStore ?? memoryStore();
      http.auth = new PasswordAuth({
        username: credentials.username,
        password: lazy(credentials.password),
        login: (username, password, signal) => admin.login({ username, password }, { signal }),
        refresh: (token, signal) => admin.refresh(token, { signal }),
        loadRefreshToken: store.load,
        saveRefreshToken: store.save,
      });
      break;
    }
    case 'oauth2':
      http.auth = new ClientCredentialsAuth(http, {
        tokenUrl: credentials.tokenUrl,
        clientId: credentials.clientId,
        scope: credentials.scope,
        clientSecret: lazy(credentials.clientSecret),
      });
      break;
    case 'none':
      break;
  }
  return { http, admin, scim, auth: http.auth, dispose: () => http.dispose() };
}

export { AdminClient } from './admin';
export { ScimClient } from './scim';
export { HttpClient } from './http';
export type { AuthProvider, CallOptions } from './http';
