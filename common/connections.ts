/**
 * Connections (DESIGN.md §3): the profile of a backend as the renderer edits it and main stores it,
 * what a connection can do (capabilities), and the state of the active connection. No secret is in
 * any of these types: secrets go one way, renderer → main, in `secret` of an input, and stay there.
 */
import { z } from 'zod';
import type { AdminFeature, Capabilities } from './api/admin';
import type { AppErrorData } from './errors';
import type { FieldSchema } from './users/fields';

/** The embedded Local directory: always listed, never stored as a profile. */
export const LOCAL_CONNECTION_ID = 'local';

export const authMethods = ['password', 'token', 'oauth2'] as const;
export type AuthMethod = (typeof authMethods)[number];

export const connectionColors = ['#1E88E5', '#43A047', '#E53935', '#FB8C00', '#8E24AA', '#00897B', '#6D4C41', '#546E7A'] as const;
export const LOCAL_CONNECTION_COLOR = '#5E35B1';

function isHttpUrl(value: string, protocols = ['http:', 'https:']): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && !url.username && !url.password && !!url.hostname;
  } catch {
    return false;
  }
}

/** Messages are i18n keys under `connections.form.errors`. */
const url = z
  .string()
  .trim()
  .min(1, 'required')
  .max(2000, 'tooLong')
  .refine((v) => isHttpUrl(v), 'url');
const required = (max: number) => z.string().trim().min(1, 'required').max(max, 'tooLong');

export const fingerprintPattern = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

export const authSettingsSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('password'), username: required(200) }).strict(),
  z.object({ method: z.literal('token') }).strict(),
  z
    .object({
      method: z.literal('oauth2'),
      tokenUrl: url,
      clientId: required(500),
      scope: z.string().trim().max(1000, 'tooLong').nullable().default(null),
    })
    .strict(),
]);
export type AuthSettings = z.infer<typeof authSettingsSchema>;

export const proxySettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('system') }).strict(),
  z.object({ mode: z.literal('none') }).strict(),
  z
    .object({
      mode: z.literal('custom'),
      url: z
        .string()
        .trim()
        .min(1, 'required')
        .max(2000, 'tooLong')
        .refine((v) => isHttpUrl(v, ['http:']), 'proxyUrl'),
    })
    .strict(),
]);
export type ProxySettingInput = z.infer<typeof proxySettingSchema>;

/**
 * What the add/edit dialog sends. `secret` is the password, API token or client secret, by auth
 * method; omitted on edit keeps the stored one. `caFile` is the opaque handle of a CA file picked
 * with the native dialog; null removes the custom CA; omitted keeps it.
 */
export const connectionInputSchema = z
  .object({
    name: required(80),
    color: z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'color'),
    baseUrl: url,
    auth: authSettingsSchema,
    secret: z.string().max(10_000, 'tooLong').optional(),
    tls: z
      .object({
        caFile: z.string().uuid('handle').nullable().optional(),
        /** The certificate explicitly trusted although it fails verification (`AB:CD:…`, SHA-256). */
        trustedFingerprint: z.string().toUpperCase().regex(fingerprintPattern, 'fingerprint').nullable().default(null),
      })
      .strict()
      .default({ trustedFingerprint: null }),
    proxy: proxySettingSchema.default({ mode: 'system' }),
  })
  .strict();
export type ConnectionInput = z.input<typeof connectionInputSchema>;
export type ParsedConnectionInput = z.output<typeof connectionInputSchema>;

export interface CertificateSummary {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

/** A connection as the renderer sees it: settings, never a secret, plus which secrets are stored. */
export interface ConnectionSummary {
  id: string;
  name: string;
  color: string;
  baseUrl: string;
  auth: AuthSettings;
  tls: { ca: CertificateSummary | null; caName: string | null; trustedFingerprint: string | null };
  proxy: ProxySettingInput;
  /** The Local directory: not editable or deletable. */
  builtin: boolean;
  /** Whether the secret of its auth method is stored (never the secret itself). */
  hasSecret: boolean;
  /** When the last successful connection was (ISO), and what it found. */
  lastConnectedAt: string | null;
  kind: ConnectionKind | null;
}

export type SecretStorageBackend = 'keychain' | 'safeStorage' | 'memory';

export interface ConnectionsState {
  connections: ConnectionSummary[];
  activeId: string | null;
  lastUsedId: string | null;
  /** Where secrets are kept; anything but `keychain` is shown as a warning. */
  secretStorage: { backend: SecretStorageBackend; persistent: boolean };
  /** Nothing was ever set up: the app opens the first-run screen. */
  firstRun: boolean;
}

export type ConnectionKind = 'userdeck' | 'scim';

/** SCIM features a plain SCIM server may offer (from its ServiceProviderConfig). */
export const scimFeatures = [
  'scimUsers',
  'scimGroups',
  'scimFilter',
  'scimSort',
  'scimPatch',
  'scimBulk',
  'scimEtag',
  'scimCursor',
] as const;
export type ScimFeature = (typeof scimFeatures)[number];
export type ConnectionFeature = AdminFeature | ScimFeature;

/** What a backend can do; the UI hides what it cannot. */
export interface ConnectionCapabilities {
  kind: ConnectionKind;
  version: string | null;
  features: ConnectionFeature[];
  /** Where SCIM lives under the base URL (`/scim/v2`, or `` when the URL is the SCIM root); null: none. */
  scimPath: string | null;
  limits: Capabilities['limits'] | null;
  bulk: { maxOperations: number; maxPayloadSize: number } | null;
}

export const hasFeature = (capabilities: ConnectionCapabilities | null | undefined, feature: ConnectionFeature): boolean =>
  !!capabilities?.features.includes(feature);

/** Who the connection signs in as. */
export interface ConnectionIdentity {
  kind: 'user' | 'token' | 'client';
  name: string;
  username: string | null;
  roles: string[];
  permissions: string[];
}

export interface TestReport {
  kind: ConnectionKind;
  version: string | null;
  latencyMs: number;
  features: ConnectionFeature[];
  identity: ConnectionIdentity | null;
}

export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'needsSignIn' | 'error';

/** The connection the app works with (one at a time). */
export interface ActiveConnection {
  id: string;
  name: string;
  color: string;
  builtin: boolean;
  status: ConnectionStatus;
  /** Live when online, else the last cached copy (null if never connected). */
  capabilities: ConnectionCapabilities | null;
  /** The backend's field schema (custom fields, policies), cached on disk for offline validation. */
  fieldSchema: FieldSchema | null;
  identity: ConnectionIdentity | null;
  /** Why it is offline, needs sign-in or failed. */
  error: AppErrorData | null;
  /** Auth method, for the sign-in dialog. */
  auth: AuthSettings;
}

/** The sign-in dialog's answer: the new password, API token or client secret. */
export const signInInputSchema = z
  .object({ id: z.string().min(1).max(100), secret: z.string().min(1, 'required').max(10_000) })
  .strict();

/** A cached field schema of a connection, for the offline workspace. */
export interface CachedSchema {
  connectionId: string;
  fetchedAt: string;
  capabilities: ConnectionCapabilities;
  fieldSchema: FieldSchema;
}

/** The embedded Local directory's process. */
export interface LocalDirectoryStatus {
  state: 'stopped' | 'starting' | 'seeding' | 'running' | 'failed';
  /** Set up once (sample data or empty); before that the first-run choice is offered. */
  initialized: boolean;
  /** Whether it was seeded with the sample data set. */
  sample: boolean | null;
  error: AppErrorData | null;
}
