import type { Generated } from 'kysely';

/**
 * The tables of the directory server, as Kysely sees them. Timestamps are ISO 8601 UTC text with
 * milliseconds in both databases (they sort as text), booleans are 0/1 integers, and every
 * case-insensitive lookup goes through a normalised `*_lower`/`*_norm` column with its own index.
 */
export interface SettingsTable {
  key: string;
  value: string;
}

export interface RolesTable {
  id: string;
  key: string;
  name: string;
  description: string | null;
  builtin: number;
  created_at: string;
  updated_at: string;
}

export interface RolePermissionsTable {
  role_id: string;
  permission: string;
}

export interface UsersTable {
  seq: Generated<number>;
  id: string;
  username: string;
  username_lower: string;
  email: string | null;
  email_lower: string | null;
  first_name: string;
  last_name: string;
  maternal_surname: string | null;
  display_name: string | null;
  official_code: string | null;
  phone: string | null;
  language: string | null;
  language_locked: number;
  avatar_url: string | null;
  external: number;
  source: string;
  active: number;
  inactive_reason: string | null;
  status_note: string | null;
  email_verified: number;
  enrollment: string;
  invitation_resends: number;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  login_count: number;
  deleted_at: string | null;
  anonymized_at: string | null;
  license: string | null;
  password_hash: string | null;
  failed_logins: number;
  locked_until: string | null;
  external_id: string | null;
  version: number;
  /** Normalised "last first" for sorting by name. */
  sort_name: string;
  /** Normalised text of every searchable field (names, username, email, custom text values). */
  search_text: string;
  /** SCIM attributes the server keeps but does not model (title, addresses, manager…), as JSON. */
  scim_attributes: string | null;
  /** The SCIM `type` of the primary email and phone (`home`, `mobile`…); null reads as `work`. */
  email_type: string | null;
  phone_type: string | null;
}

/** The secondary SCIM emails and phones of `scim_attributes`, one row each, for filters (users/contacts.ts). */
export interface UserContactsTable {
  user_id: string;
  kind: string;
  position: number;
  value: string;
  value_lower: string;
  type: string | null;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_lower: string;
  description: string | null;
  active: number;
  external_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  added_at: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface TagsTable {
  id: string;
  name: string;
  name_lower: string;
  color: string | null;
  created_at: string;
}

export interface UserTagsTable {
  user_id: string;
  tag_id: string;
}

export interface CustomFieldsTable {
  id: string;
  key: string;
  label: string;
  type: string;
  required: number;
  pattern: string | null;
  options: string;
  description: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

/** One row per value (a multiselect has one row per chosen option). */
export interface UserFieldValuesTable {
  user_id: string;
  field_id: string;
  value_text: string;
  /** Lower-cased text, for case-insensitive equality filters. */
  value_norm: string;
  value_num: number | null;
  position: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  role_id: string;
  created_at: string;
  created_by: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface AuthSessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AccessTokensTable {
  token_hash: string;
  session_id: string;
  expires_at: string;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  result: string;
  created_at: string;
}

export interface ActivityLogTable {
  seq: Generated<number>;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON without personal data: field names, ids and counts, never values of a person. */
  data: string | null;
}

/** Exact counts per status bucket, kept by triggers, so an unfiltered list's total costs nothing. */
export interface UserCountsTable {
  bucket: string;
  n: number;
}

/** Exact user counts per tag, group or role (`kind`, `ref_id`) and status bucket, kept by triggers. */
export interface RelationCountsTable {
  kind: 'tag' | 'group' | 'role';
  ref_id: string;
  bucket: string;
  n: number;
}

export interface Database {
  settings: SettingsTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  user_roles: UserRolesTable;
  tags: TagsTable;
  user_tags: UserTagsTable;
  custom_fields: CustomFieldsTable;
  user_field_values: UserFieldValuesTable;
  api_tokens: ApiTokensTable;
  auth_sessions: AuthSessionsTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  idempotency_keys: IdempotencyKeysTable;
  activity_log: ActivityLogTable;
  user_counts: UserCountsTable;
  relation_counts: RelationCountsTable;
  user_contacts: UserContactsTable;
}
