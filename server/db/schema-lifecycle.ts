import type { Generated } from 'kysely';

/**
 * The tables and columns of migration 002 (issue 7), merged into the core `Database` so every query
 * is typed. Timestamps, booleans and JSON follow the conventions of schema.ts.
 */
declare module './schema' {
  interface UsersTable {
    /** When the welcome or invitation mail was first queued (DESIGN.md §5 welcome rules). */
    welcome_sent_at: string | null;
    /** Set by a temporary password: the next sign-in must choose a new one. */
    must_change_password: Generated<number>;
  }

  interface GroupsTable {
    /** The user who owns the group; a deleted user's groups go to the fallback owner. */
    owner_id: string | null;
  }

  interface AuthSessionsTable {
    /** `api` (desktop and scripts), `portal` (browser cookie) or `impersonation`. */
    kind: Generated<string>;
    impersonator_id: string | null;
  }

  interface Database {
    portal_cookies: PortalCookiesTable;
    user_tokens: UserTokensTable;
    outbox: OutboxTable;
    notes: NotesTable;
    forms: FormsTable;
    form_answers: FormAnswersTable;
    badges: BadgesTable;
    user_badges: UserBadgesTable;
    languages: LanguagesTable;
    segments: SegmentsTable;
    jobs: JobsTable;
    job_items: JobItemsTable;
  }
}

export interface PortalCookiesTable {
  token_hash: string;
  session_id: string;
}

/** Single-use links and tokens: invitation, password reset, impersonation. Stored as hashes. */
export interface UserTokensTable {
  token_hash: string;
  user_id: string;
  kind: 'invitation' | 'reset' | 'impersonation';
  created_at: string;
  expires_at: string;
  used_at: string | null;
  created_by: string | null;
  /** JSON (impersonation: the impersonator and the reason). */
  data: string | null;
}

export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  user_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  kind: string;
  language: string | null;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'held';
  attempts: Generated<number>;
  last_error: string | null;
  /** JSON list of secret strings (links, passwords) blanked out of the bodies once delivered. */
  secrets: string | null;
  created_at: string;
  sent_at: string | null;
  next_attempt_at: string | null;
}

export interface NotesTable {
  id: string;
  user_id: string;
  author_type: string;
  author_id: string | null;
  body: string;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface FormsTable {
  id: string;
  name: string;
  description: string | null;
  /** JSON list of FormField. */
  fields: string;
  active: number;
  author_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface FormAnswersTable {
  form_id: string;
  user_id: string;
  /** JSON object keyed by field key. */
  answers: string;
  submitted_at: string;
  updated_at: string;
}

export interface BadgesTable {
  id: string;
  key: string;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserBadgesTable {
  user_id: string;
  badge_id: string;
  granted_at: string;
  granted_by: string | null;
}

export interface LanguagesTable {
  code: string;
  name: string;
  enabled: number;
  position: number;
}

export interface SegmentsTable {
  id: string;
  name: string;
  name_lower: string;
  description: string | null;
  /** JSON: the users-list query parameters the segment stands for. */
  filter: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface JobsTable {
  id: string;
  action: string;
  params: string;
  /** JSON: `{ userIds }` or `{ filter }` as the caller gave it. */
  target: string;
  status: 'running' | 'done' | 'cancelled' | 'failed';
  total: number;
  processed: number;
  done: number;
  skipped: number;
  failed: number;
  chunk_size: number;
  chunks: number;
  actor_type: string;
  actor_id: string | null;
  /** JSON list: the creator's permissions when the job was created (the job acts with them). */
  permissions: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  cancelled_at: string | null;
}

export interface JobItemsTable {
  job_id: string;
  seq: number;
  user_id: string;
  chunk: number;
  status: 'pending' | 'done' | 'skipped' | 'failed';
  code: string | null;
  reason: string | null;
  processed_at: string | null;
  /** The server instance that processed the item. */
  worker: string | null;
}
