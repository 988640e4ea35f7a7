/**
 * The user model of DESIGN.md §5 as the admin API returns it. The server, the import engine, the
 * API client and the renderer all use these types; none defines its own.
 */
export const dataSources = ['manual', 'import', 'scim', 'sync'] as const;
export type DataSource = (typeof dataSources)[number];

export const inactiveReasons = ['manual', 'banned', 'expired', 'license', 'inactivity'] as const;
export type InactiveReason = (typeof inactiveReasons)[number];

/** Invitation / enrollment state: `accepted` means the user has joined. */
export const enrollmentStates = ['none', 'sent', 'accepted', 'expired', 'not_possible'] as const;
export type EnrollmentState = (typeof enrollmentStates)[number];

export const customFieldTypes = ['text', 'number', 'date', 'boolean', 'select', 'multiselect'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

/** A typed custom field value: multiselect is a list, date an ISO date `YYYY-MM-DD`. */
export type CustomFieldValue = string | number | boolean | string[] | null;

export interface Ref {
  id: string;
  name: string;
}

export interface User {
  id: string;
  username: string;
  email: string | null;
  firstName: string;
  lastName: string;
  maternalSurname: string | null;
  displayName: string | null;
  officialCode: string | null;
  phone: string | null;
  /** BCP 47 language tag, e.g. `es` or `fr-CA`. */
  language: string | null;
  /** Set by a sync source: manual edits of the language are refused. */
  languageLocked: boolean;
  avatarUrl: string | null;
  external: boolean;
  source: DataSource;
  active: boolean;
  inactiveReason: InactiveReason | null;
  /** Free-text reason given when banning. */
  statusNote: string | null;
  emailVerified: boolean;
  enrollment: EnrollmentState;
  invitationResends: number;
  /** ISO 8601 timestamps. */
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  loginCount: number;
  deletedAt: string | null;
  anonymizedAt: string | null;
  /** Role keys, e.g. `administrator`. */
  roles: string[];
  groups: Ref[];
  /** Tag names. */
  tags: string[];
  badges: string[];
  license: string | null;
  customFields: Record<string, CustomFieldValue>;
  /** Increments on every change; the ETag is `W/"<version>"`. */
  version: number;
}

/** What a create or a patch may set. Unknown keys are refused. */
export interface UserWrite {
  username?: string;
  email?: string | null;
  firstName?: string;
  lastName?: string;
  maternalSurname?: string | null;
  displayName?: string | null;
  officialCode?: string | null;
  phone?: string | null;
  language?: string | null;
  external?: boolean;
  active?: boolean;
  emailVerified?: boolean;
  expiresAt?: string | null;
  password?: string;
  /** An imported password hash in PHC form (argon2, bcrypt, pbkdf2). */
  passwordHash?: string;
  roles?: string[];
  /** Group ids or names. */
  groups?: string[];
  tags?: string[];
  license?: string | null;
  customFields?: Record<string, CustomFieldValue>;
  /** History carried over from another directory on import (create only): ISO 8601 timestamps. */
  createdAt?: string;
  lastLoginAt?: string | null;
  loginCount?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** False when the server stopped counting (a very large filtered result): `total` is then a lower bound. */
  totalExact?: boolean;
  page: number;
  pageSize: number;
  /** Keyset cursor of the next page (RFC 9865 style), when there is one. */
  nextCursor?: string | null;
  prevCursor?: string | null;
}
