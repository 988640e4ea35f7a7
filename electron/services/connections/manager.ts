/**
 * The connections of the app: profiles (add, edit, duplicate, delete, test), their secrets, the
 * Local directory, and the one active connection with its status, capabilities and cached field
 * schema. Other services reach the backend through `use()`, which keeps the status honest (a
 * network failure turns it offline, the next success online again).
 */
import { AppError, type AppErrorData } from '../../../common/errors';
import {
  LOCAL_CONNECTION_COLOR,
  LOCAL_CONNECTION_ID,
  type ActiveConnection,
  type AuthMethod,
  type CachedSchema,
  type ConnectionCapabilities,
  type ConnectionIdentity,
  type ConnectionSummary,
  type ConnectionsState,
  type ParsedConnectionInput,
  type TestReport,
} from '../../../common/connections';
import type { FieldSchema } from '../../../common/users/fields';
import { createApiClient, type ApiClient, type ApiCredentials } from '../api';
import type { AdminClient } from '../api/admin';
import type { HttpClient } from '../api/http';
import { ScimClient } from '../api/scim';
import type { FileHandles } from '../dialogs/file-handles';
import type { EventSink } from '../events/event-sink';
import type { LocalDirectory, LocalEndpoint } from '../local/local-directory';
import type { Logger } from '../log/logger';
import { readCaFile } from './ca-file';
import { discover, identify } from './capabilities';
import type { ProfileFields, ProfileStore, StoredProfile } from './profiles';
import type { SchemaCache } from './schema-cache';
import type { SecretStorageStatus } from './secrets/open';
import type { SecretName, SecretStore } from './secrets/store';

/** The secret each auth method needs. */
export const secretOf: Record<AuthMethod, SecretName> = { password: 'password', token: 'apiToken', oauth2: 'clientSecret' };

/** What a call through `use()` gets. */
export interface ConnectionContext {
  id: string;
  admin: AdminClient;
  scim: ScimClient;
  http: HttpClient;
  capabilities: ConnectionCapabilities;
  fieldSchema: FieldSchema;
}

export interface ConnectionManagerDeps {
  profiles: ProfileStore;
  secrets: SecretStore;
  secretStatus: () => Promise<SecretStorageStatus>;
  schemaCache: SchemaCache;
  files: FileHandles;
  local: LocalDirectory;
  emit: EventSink;
  logger: Logger;
  userAgent: string;
  env?: NodeJS.ProcessEnv;
  /** How often an offline connection is tried again; 0 disables. */
  offlineRetryMs?: number;
  /** Per-attempt timeout of backend calls. */
  timeoutMs?: number;
}

const networkCodes = new Set(['offline', 'unreachable', 'timeout']);
const toData = (error: unknown): AppErrorData => (error instanceof AppError ? error : new AppError('internal')).toData();

interface Session {
  id: string;
  api: ApiClient;
  state: ActiveConnection;
  scim: ScimClient | null;
}

export class ConnectionManager {
  private session: Session | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly deps: ConnectionManagerDeps) {}

  // --- listing ----------------------------------------------------------------------------------

  async state(): Promise<ConnectionsState> {
    const { profiles, local } = this.deps;
    const secretStatus = await this.deps.secretStatus();
    return {
      connections: [this.localSummary(), ...(await Promise.all(profiles.list().map((p) => this.summary(p))))],
      activeId: this.session?.id ?? null,
      lastUsedId: profiles.lastUsedId,
      secretStorage: { backend: secretStatus.backend, persistent: secretStatus.persistent },
      firstRun: !profiles.welcomed && profiles.list().length === 0 && !local.initialized,
    };
  }

  private localSummary(): ConnectionSummary {
    return {
      id: LOCAL_CONNECTION_ID,
      name: 'Local directory',
      color: LOCAL_CONNECTION_COLOR,
      baseUrl: this.deps.local.url ?? '',
      auth: { method: 'token' },
      tls: { ca: null, caName: null, trustedFingerprint: null },
      proxy: { mode: 'none' },
      builtin: true,
      hasSecret: true,
      lastConnectedAt: null,
      kind: 'userdeck',
    };
  }

  private async summary(profile: StoredProfile): Promise<ConnectionSummary> {
    const stored = await this.deps.secrets.list(profile.id).catch(() => [] as SecretName[]);
    const { ca } = profile.tls;
    return {
      id: profile.id,
      name: profile.name,
      color: profile.color,
      baseUrl: profile.baseUrl,
      auth: profile.auth,
      tls: {
        ca: ca
          ? {
              fingerprint256: ca.fingerprint256,
              subject: ca.subject,
              issuer: ca.issuer,
              validFrom: ca.validFrom,
              validTo: ca.validTo,
            }
          : null,
        caName: ca?.name ?? null,
        trustedFingerprint: profile.tls.trustedFingerprint,
      },
      proxy: profile.proxy,
      builtin: false,
      hasSecret: stored.includes(secretOf[profile.auth.method]),
      lastConnectedAt: profile.lastConnectedAt,
      kind: profile.kind,
    };
  }

  private async changed(): Promise<void> {
    this.deps.emit('connections/changed', await this.state());
  }

  private notBuiltin(id: string): void {
    if (id === LOCAL_CONNECTION_ID) throw new AppError('notSupported', {}, { key: 'errors.localNotEditable' });
  }

  // --- editing ----------------------------------------------------------------------------------

  private fieldsFrom(input: ParsedConnectionInput, previous: StoredProfile | null): ProfileFields {
    let ca = previous?.tls.ca ?? null;
    if (input.tls.caFile === null) ca = null;
    else if (typeof input.tls.caFile === 'string') ca = readCaFile(this.deps.files.resolve(input.tls.caFile));
    return {
      name: input.name,
      color: input.color.toUpperCase(),
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      auth: input.auth,
      tls: { ca, trustedFingerprint: input.tls.trustedFingerprint },
      proxy: input.proxy,
    };
  }

  async create(input: ParsedConnectionInput): Promise<ConnectionSummary> {
    const profile = this.deps.profiles.create(this.fieldsFrom(input, null));
    if (input.secret) await this.deps.secrets.set(profile.id, secretOf[profile.auth.method], input.secret);
    this.deps.logger.info('connections: created', { id: profile.id, method: profile.auth.method });
    await this.changed();
    return this.summary(profile);
  }

  async update(id: string, input: ParsedConnectionInput): Promise<ConnectionSummary> {
    this.notBuiltin(id);
    const previous = this.deps.profiles.get(id);
    const profile = this.deps.profiles.update(id, this.fieldsFrom(input, previous));
    const { secrets } = this.deps;
    const sameAccount =
      previous.baseUrl === profile.baseUrl &&
      previous.auth.method === profile.auth.method &&
      JSON.stringify(previous.auth) === JSON.stringify(profile.auth);
    // Secrets of another method or account would be wrong now: never keep them around.
    if (previous.auth.method !== profile.auth.method) await secrets.deleteAll(id);
    else if (!sameAccount) await secrets.delete(id, 'refreshToken');
    if (input.secret) {
      await secrets.set(id, secretOf[profile.auth.method], input.secret);
      await secrets.delete(id, 'refreshToken');
    }
    this.deps.logger.info('connections: updated', { id });
    await this.changed();
    if (this.session?.id === id) await this.activate(id);
    return this.summary(profile);
  }

  async duplicate(
    id: string,
    copyName: (name: string, n: number) => string = (name, n) => `${name} (${n})`,
  ): Promise<ConnectionSummary> {
    this.notBuiltin(id);
    const copy = this.deps.profiles.duplicate(id, copyName);
    const name = secretOf[copy.auth.method];
    const secret = await this.deps.secrets.get(id, name);
    if (secret) await this.deps.secrets.set(copy.id, name, secret);
    await this.changed();
    return this.summary(copy);
  }

  async delete(id: string): Promise<ConnectionsState> {
    this.notBuiltin(id);
    if (this.session?.id === id) await this.disconnect();
    this.deps.profiles.delete(id);
    await this.deps.secrets.deleteAll(id);
    this.deps.schemaCache.delete(id);
    this.deps.logger.info('connections: deleted', { id });
    await this.changed();
    return this.state();
  }

  async dismissWelcome(): Promise<ConnectionsState> {
    this.deps.profiles.setWelcomed();
    await this.changed();
    return this.state();
  }

  // --- clients ----------------------------------------------------------------------------------

  private credentials(profile: StoredProfile, secret?: string): ApiCredentials {
    const { secrets } = this.deps;
    const stored = (name: SecretName) => (secret !== undefined ? async () => secret : () => secrets.get(profile.id, name));
    switch (profile.auth.method) {
      case 'password':
        return {
          method: 'password',
          username: profile.auth.username,
          password: stored('password'),
          refreshTokenStore: {
            load: () => secrets.get(profile.id, 'refreshToken'),
            save: (token) =>
              token ? secrets.set(profile.id, 'refreshToken', token) : secrets.delete(profile.id, 'refreshToken'),
          },
        };
      case 'token':
        return { method: 'token', token: stored('apiToken') };
      case 'oauth2':
        return {
          method: 'oauth2',
          tokenUrl: profile.auth.tokenUrl,
          clientId: profile.auth.clientId,
          scope: profile.auth.scope,
          clientSecret: stored('clientSecret'),
        };
    }
  }

  private profileClient(profile: StoredProfile, credentials: ApiCredentials, onReauthRequired?: () => void): ApiClient {
    return createApiClient({
      baseUrl: profile.baseUrl,
      credentials,
      tls: { caPem: profile.tls.ca?.pem ?? null, trustedFingerprint: profile.tls.trustedFingerprint },
      proxy: profile.proxy,
      logger: this.deps.logger,
      userAgent: this.deps.userAgent,
      env: this.deps.env,
      timeoutMs: this.deps.timeoutMs,
      onReauthRequired,
    });
  }

  private localClient(endpoint: LocalEndpoint, onReauthRequired?: () => void): ApiClient {
    return createApiClient({
      baseUrl: endpoint.url,
      credentials: { method: 'token', token: endpoint.token },
      proxy: { mode: 'none' },
      logger: this.deps.logger,
      userAgent: this.deps.userAgent,
      timeoutMs: this.deps.timeoutMs,
      onReauthRequired,
    });
  }

  // --- testing ----------------------------------------------------------------------------------

  /**
   * Tries a connection without making it active: saved (`id`), being edited (`id` + `input`, the
   * stored secret used when none is typed), or new (`input`).
   */
  async test(request: { id?: string; input?: ParsedConnectionInput }, signal?: AbortSignal): Promise<TestReport> {
    if (request.id === LOCAL_CONNECTION_ID) {
      const endpoint = await this.deps.local.start();
      return this.probe(this.localClient(endpoint), null, signal);
    }
    const previous = request.id ? this.deps.profiles.get(request.id) : null;
    let profile: StoredProfile;
    if (request.input) {
      const fields = this.fieldsFrom(request.input, previous);
      profile = { ...(previous ?? { id: 'test', createdAt: '', updatedAt: '', lastConnectedAt: null, kind: null }), ...fields };
    } else if (previous) profile = previous;
    else throw new AppError('invalidInput', { field: 'input' });

    const typed = request.input?.secret;
    const secret =
      typed ||
      (previous && previous.auth.method === profile.auth.method
        ? await this.deps.secrets.get(previous.id, secretOf[profile.auth.method])
        : null);
    if (!secret) throw new AppError('validation', { field: 'secret' }, { key: 'errors.secretRequired' });

    if (profile.auth.method === 'password') {
      // Sign in explicitly, so a wrong password is reported as such, then end that session again.
      const signer = this.profileClient(profile, { method: 'none' });
      try {
        const pair = await signer.admin.login({ username: profile.auth.username, password: secret }, { signal });
        const api = this.profileClient(profile, { method: 'token', token: pair.accessToken });
        try {
          return await this.probe(api, null, signal);
        } finally {
          await api.admin.logout(pair.refreshToken).catch(() => undefined);
          api.dispose();
        }
      } finally {
        signer.dispose();
      }
    }
    const fallback: ConnectionIdentity | null =
      profile.auth.method === 'oauth2'
        ? { kind: 'client', name: profile.auth.clientId, username: null, roles: [], permissions: [] }
        : null;
    return this.probe(this.profileClient(profile, this.credentials(profile, secret)), fallback, signal);
  }

  private async probe(api: ApiClient, fallback: ConnectionIdentity | null, signal?: AbortSignal): Promise<TestReport> {
    try {
      const { capabilities } = await discover(api, signal);
      const started = performance.now();
      const identity = await identify(api, capabilities, fallback, signal);
      return {
        kind: capabilities.kind,
        version: capabilities.version,
        latencyMs: Math.max(1, Math.round(performance.now() - started)),
        features: capabilities.features,
        identity,
      };
    } finally {
      api.dispose();
    }
  }

  // --- the active connection --------------------------------------------------------------------

  active(): ActiveConnection | null {
    return this.session ? structuredClone(this.session.state) : null;
  }

  private publish(): void {
    this.deps.emit('connections/active', this.active());
  }

  private setStatus(session: Session, patch: Partial<ActiveConnection>): void {
    if (this.session !== session) return;
    session.state = { ...session.state, ...patch };
    this.scheduleRetry();
    this.publish();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    const interval = this.deps.offlineRetryMs ?? 20_000;
    if (!this.session || this.session.state.status !== 'offline' || !interval || this.disposed) return;
    this.retryTimer = setTimeout(() => void this.reconnect({ quiet: true }).catch(() => undefined), interval);
    this.retryTimer.unref();
  }

  /** Makes a connection the active one and connects it; the result may be offline or need sign-in. */
  async activate(id: string): Promise<ActiveConnection> {
    const isLocal = id === LOCAL_CONNECTION_ID;
    const profile = isLocal ? null : this.deps.profiles.get(id);
    this.closeSession();
    const cached = this.deps.schemaCache.read(id);
    const base: ActiveConnection = {
      id,
      name: profile?.name ?? 'Local directory',
      color: profile?.color ?? LOCAL_CONNECTION_COLOR,
      builtin: isLocal,
      status: 'connecting',
      capabilities: cached?.capabilities ?? null,
      fieldSchema: cached?.fieldSchema ?? null,
      identity: null,
      error: null,
      auth: profile?.auth ?? { method: 'token' },
    };
    const session: Session = { id, api: undefined as unknown as ApiClient, state: base, scim: null };
    const onReauth = () =>
      this.setStatus(session, {
        status: 'needsSignIn',
        error: new AppError('unauthorized', {}, { key: 'errors.reauthRequired' }).toData(),
      });
    this.session = session;
    this.deps.profiles.setLastUsed(id);
    this.publish();
    try {
      session.api = isLocal
        ? this.localClient(await this.deps.local.start(), onReauth)
        : this.profileClient(profile!, this.credentials(profile!), onReauth);
    } catch (error) {
      this.setStatus(session, { status: 'error', error: toData(error) });
      await this.changed();
      return this.active()!;
    }
    await this.connect(session);
    await this.changed();
    return this.active()!;
  }

  private async connect(session: Session): Promise<void> {
    const fallback: ConnectionIdentity | null =
      session.state.auth.method === 'oauth2'
        ? { kind: 'client', name: session.state.auth.clientId, username: null, roles: [], permissions: [] }
        : null;
    try {
      const { capabilities, fieldSchema } = await discover(session.api);
      const identity = await identify(session.api, capabilities, fallback);
      this.deps.schemaCache.write(session.id, capabilities, fieldSchema);
      if (!session.state.builtin) this.deps.profiles.markConnected(session.id, capabilities.kind);
      session.scim = capabilities.scimPath !== null ? new ScimClient(session.api.http, capabilities.scimPath) : null;
      this.setStatus(session, { status: 'online', capabilities, fieldSchema, identity, error: null });
      this.deps.logger.info('connections: connected', { id: session.id, kind: capabilities.kind });
    } catch (error) {
      const data = toData(error);
      const status = networkCodes.has(data.code) ? 'offline' : data.code === 'unauthorized' ? 'needsSignIn' : 'error';
      this.deps.logger.warn('connections: could not connect', { id: session.id, code: data.code });
      this.setStatus(session, { status, error: data });
    }
  }

  /**
   * Tries the active connection again: the offline banner's retry, and the timer (`quiet`: the
   * status stays offline until it works, so the banner does not flicker).
   */
  async reconnect({ quiet = false } = {}): Promise<ActiveConnection | null> {
    const session = this.session;
    if (!session) return null;
    if (session.state.builtin && session.state.status !== 'online') {
      // The Local directory may have stopped: start it again with a new token.
      return this.activate(session.id);
    }
    if (!quiet) this.setStatus(session, { status: 'connecting' });
    await this.connect(session);
    return this.active();
  }

  /**
   * The sign-in dialog: checks the new password (or token, or client secret) first, stores it only
   * when it works, then connects again.
   */
  async signIn(id: string, secret: string): Promise<ActiveConnection> {
    this.notBuiltin(id);
    const profile = this.deps.profiles.get(id);
    if (profile.auth.method === 'password') {
      const api = this.profileClient(profile, { method: 'none' });
      try {
        const pair = await api.admin.login({ username: profile.auth.username, password: secret });
        await this.deps.secrets.set(id, 'refreshToken', pair.refreshToken);
      } finally {
        api.dispose();
      }
    } else {
      const api = this.profileClient(profile, this.credentials(profile, secret));
      try {
        await discover(api);
      } catch (error) {
        if (error instanceof AppError && error.code === 'unauthorized') {
          throw new AppError(
            'unauthorized',
            {},
            { key: profile.auth.method === 'oauth2' ? 'errors.badClientCredentials' : 'errors.badToken' },
          );
        }
        // Offline or failing for another reason: keep the new secret; the status shows the rest.
        if (!(error instanceof AppError) || !networkCodes.has(error.code)) throw error;
      } finally {
        api.dispose();
      }
    }
    await this.deps.secrets.set(id, secretOf[profile.auth.method], secret);
    return this.activate(id);
  }

  async disconnect(): Promise<void> {
    this.closeSession();
    this.deps.profiles.setLastUsed(null);
    this.publish();
    await this.changed();
  }

  private closeSession(): void {
    clearTimeout(this.retryTimer);
    this.session?.api?.dispose();
    this.session = null;
  }

  /** Opens the last used connection again at start. */
  async restore(): Promise<void> {
    const id = this.deps.profiles.lastUsedId;
    if (!id) return;
    if (id === LOCAL_CONNECTION_ID ? !this.deps.local.initialized : !this.deps.profiles.has(id)) return;
    await this.activate(id);
  }

  cachedSchema(id: string): CachedSchema | null {
    return this.deps.schemaCache.read(id);
  }

  /**
   * Runs a backend call on the active connection. A network failure marks it offline, the next
   * success online again; needing sign-in is reported by the client itself.
   */
  async use<T>(work: (context: ConnectionContext) => Promise<T>): Promise<T> {
    const session = this.session;
    if (!session) throw new AppError('notConnected');
    const { capabilities, fieldSchema, status } = session.state;
    if (!capabilities || !fieldSchema || !session.api) {
      throw new AppError('notConnected', {}, { key: status === 'needsSignIn' ? 'errors.reauthRequired' : 'errors.notConnected' });
    }
    try {
      const result = await work({
        id: session.id,
        admin: session.api.admin,
        scim: session.scim ?? new ScimClient(session.api.http, capabilities.scimPath ?? '/scim/v2'),
        http: session.api.http,
        capabilities,
        fieldSchema,
      });
      if (session.state.status === 'offline') void this.reconnect({ quiet: true });
      return result;
    } catch (error) {
      if (error instanceof AppError && networkCodes.has(error.code) && session.state.status === 'online') {
        this.setStatus(session, { status: 'offline', error: error.toData() });
      }
      throw error;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.closeSession();
  }
}
