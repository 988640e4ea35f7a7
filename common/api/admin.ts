/**
 * Types of the Userdeck admin API (`/api/v1`, DESIGN.md §4) that more than one side uses: the server
 * implements them, the API client and the import engine call them. Extend here, never copy.
 */
import type { FieldSchema } from '../users/fields';
import type { Page, User, UserWrite } from '../users/user';

/** RFC 9457 problem details, as every admin API error body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine code, e.g. `validation`, `conflict`, `forbidden`. */
  code?: string;
  /** The permission that was missing, on 403. */
  permission?: string;
  /** Per-field problems on 400/422, using the codes of common/users/validation. */
  errors?: { field: string; code: string; params?: Record<string, string | number> }[];
}

export const adminFeatures = [
  'users',
  'groups',
  'roles',
  'tags',
  'customFields',
  'segments',
  'jobs',
  'activity',
  'sessions',
  'notes',
  'forms',
  'badges',
  'licenses',
  'languages',
  'impersonation',
  'trash',
  'outbox',
  'stats',
  'events',
] as const;
export type AdminFeature = (typeof adminFeatures)[number];

/** `GET /api/v1/capabilities`. */
export interface Capabilities {
  product: 'userdeck';
  version: string;
  features: AdminFeature[];
  fieldSchema: FieldSchema;
  limits: { pageSizeMax: number; batchMax: number; lookupMax: number };
}

/** `POST /api/v1/auth/login` body and answer; `auth/refresh` takes `{ refreshToken }`. */
export interface LoginRequest {
  username: string;
  password: string;
}
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  tokenType: 'Bearer';
}

/** `GET /api/v1/auth/me`. */
export interface Me {
  user: Pick<User, 'id' | 'username' | 'email' | 'firstName' | 'lastName' | 'displayName' | 'roles'> | null;
  /** Set when the caller is an API token rather than a user. */
  token?: { id: string; name: string };
  permissions: string[];
}

/** `POST /api/v1/users/lookup`: existing users by username or email, case-insensitively (max 1,000 each). */
export interface LookupRequest {
  usernames?: string[];
  emails?: string[];
}
export interface LookupResponse {
  users: User[];
}

/**
 * `POST /api/v1/users/batch`: up to 1,000 rows. Each row carries an idempotency key: a row whose key
 * the server has seen returns the first result again and changes nothing.
 */
export interface BatchRow {
  key: string;
  /** create: fail if the user exists; update: fail if not; upsert: either. */
  action: 'create' | 'update' | 'upsert';
  /** The existing user to update (from a plan); otherwise matched by username, then email. */
  userId?: string;
  user: UserWrite;
  /** Send the invitation or welcome mail after creating. */
  invite?: boolean;
}
export interface BatchRequest {
  rows: BatchRow[];
  /** Leave existing values alone when the row's value is empty (default true). */
  keepExistingWhenEmpty?: boolean;
}
export interface BatchResult {
  key: string;
  status: 'created' | 'updated' | 'skipped' | 'failed';
  userId?: string;
  /** Why a row was skipped or failed. */
  reason?: { code: string; field?: string; message: string };
}
export interface BatchResponse {
  results: BatchResult[];
}

/**
 * `GET /api/v1/outbox?page&pageSize`: the mails the server queued, newest first. The Local directory
 * keeps them there instead of sending, and the app shows them as a mailbox.
 */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  /** Plain-text body. */
  text: string;
  html: string | null;
  /** Why it was sent, e.g. `invitation`, `welcome`, `passwordReset`. */
  kind: string;
  status: 'queued' | 'sent' | 'failed' | 'held';
  createdAt: string;
  sentAt: string | null;
  /** Why the last delivery attempt failed (the SMTP server's answer), while queued or failed. */
  error?: string | null;
}
export type OutboxPage = Page<OutboxMessage>;
