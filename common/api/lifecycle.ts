/**
 * Types of the admin API's lifecycle endpoints (issue 7): jobs, activity, sessions, notes, forms,
 * badges, languages, segments, trash, settings, stats. The server answers with them; the desktop's
 * API client and views use them. Extend here, never copy.
 */
import type { CustomFieldDefinition } from '../users/fields';
import type { Policies } from '../users/policies';
import type { CustomFieldValue, Page, User } from '../users/user';

// ---- Bulk jobs: `POST /api/v1/jobs`, `GET /api/v1/jobs[/:id[/results[.csv]]]`, `POST /api/v1/jobs/:id/cancel`

export const jobActions = [
  'activate',
  'deactivate',
  'ban',
  'delete',
  'restore',
  'purge',
  'anonymize',
  'addTags',
  'removeTags',
  'addGroups',
  'removeGroups',
  'addRoles',
  'removeRoles',
  'setLanguage',
  'grantBadge',
  'revokeBadge',
  'invite',
  'resetPassword',
  'assignLicense',
  'releaseLicense',
  'export',
] as const;
export type JobAction = (typeof jobActions)[number];

/** The parameters each action takes (none for the others). Irreversible actions need `confirm: true`. */
export interface JobParams {
  ban: { reason: string };
  delete: { fallbackOwnerId?: string };
  purge: { confirm: true };
  anonymize: { confirm: true };
  addTags: { tags: string[] };
  removeTags: { tags: string[] };
  /** Group ids or names. */
  addGroups: { groups: string[] };
  removeGroups: { groups: string[] };
  /** Role keys. */
  addRoles: { roles: string[] };
  removeRoles: { roles: string[] };
  setLanguage: { language: string };
  /** Badge key or id. */
  grantBadge: { badge: string };
  revokeBadge: { badge: string };
  /** Default `standard`. */
  assignLicense: { license?: string };
  /** Export columns (user field keys); default: every exportable field. */
  export: { columns?: string[] };
}

/**
 * `POST /api/v1/jobs`: an action on a list of user ids, or on every user matching a users-list
 * filter (the query parameters of `GET /api/v1/users`). `dryRun` answers a `JobPreview` and
 * changes nothing; otherwise the answer is the `Job` (202).
 */
export interface CreateJobRequest {
  action: JobAction;
  params?: Record<string, unknown>;
  userIds?: string[];
  filter?: Record<string, string | string[]>;
  dryRun?: boolean;
}

export type JobOutcome = 'done' | 'skipped' | 'failed';

export interface JobReasonCount {
  status: Exclude<JobOutcome, 'done'>;
  /** Stable code, e.g. `alreadyActive`, `hasActivity`, `licensePoolFull`. */
  code: string;
  message: string;
  count: number;
}

export interface JobPreview {
  action: JobAction;
  total: number;
  /** Users the job would change. */
  change: number;
  skip: number;
  fail: number;
  reasons: JobReasonCount[];
}

export type JobStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface Job {
  id: string;
  action: JobAction;
  params: Record<string, unknown>;
  status: JobStatus;
  total: number;
  processed: number;
  done: number;
  skipped: number;
  failed: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  cancelledAt: string | null;
  createdBy: { type: string; id: string | null };
}
export type JobPage = Page<Job>;

/** One user's line of a job's results (`GET /api/v1/jobs/:id/results?status=`). */
export interface JobResult {
  userId: string;
  /** Null when the user no longer exists (purged). */
  username: string | null;
  status: 'pending' | JobOutcome;
  code: string | null;
  reason: string | null;
  processedAt: string | null;
}
export type JobResultPage = Page<JobResult>;

// ---- Activity: `GET /api/v1/activity`, `GET /api/v1/users/:id/activity`, `POST /api/v1/events`

export interface ActivityEntry {
  id: number;
  at: string;
  actor: { type: string; id: string | null; name?: string | null };
  /** e.g. `auth.login`, `user.updated`, `access.page`, `impersonation.started`. */
  action: string;
  target: { type: string; id: string | null } | null;
  /** Ids, field names and counts; `{ redacted: true }` after anonymisation. */
  data: Record<string, unknown> | null;
}
export interface ActivityPage {
  items: ActivityEntry[];
  /** Pass as `before` for the next (older) page; null at the end. */
  nextBefore: number | null;
}

/** `POST /api/v1/events` (permission `events.ingest`): what applications record about a user's visits. */
export interface AccessEvent {
  /** The user by id, or by username. */
  userId?: string;
  username?: string;
  type: 'page' | 'feature';
  /** The page path or feature name (no personal data, please). */
  name: string;
  /** The application that saw it. */
  app?: string;
  /** ISO 8601; default now. */
  at?: string;
}
export interface EventIngestRequest {
  events: AccessEvent[];
}
export interface EventIngestResponse {
  accepted: number;
  rejected: { index: number; code: string; message: string }[];
}

/** `GET /api/v1/users/:id/last-access`: the last-access timeline and chart. */
export interface LastAccess {
  lastAccessAt: string | null;
  /** Accesses per day over the last `days` days (UTC dates, oldest first, zero days included). */
  perDay: { day: string; count: number }[];
  recent: { at: string; type: 'page' | 'feature'; name: string; app: string | null }[];
}

// ---- Sessions: `GET|DELETE /api/v1/users/:id/sessions[/:sessionId]`

export interface SessionInfo {
  id: string;
  kind: 'api' | 'portal' | 'impersonation';
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  endedAt: string | null;
  active: boolean;
  /** Who is impersonating, for impersonation sessions. */
  impersonatorId: string | null;
}

// ---- Notes: `GET|POST /api/v1/users/:id/notes`, `PATCH|DELETE /api/v1/users/:id/notes/:noteId`

export interface Note {
  id: string;
  userId: string;
  author: { type: string; id: string | null; name: string | null };
  body: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

// ---- Forms: `/api/v1/forms`, `/api/v1/forms/:id/answers[.csv]`, `GET /api/v1/users/:id/form-answers`

/** A form field is typed like a custom field (text, number, date, boolean, select, multiselect). */
export type FormField = CustomFieldDefinition;

export interface Form {
  id: string;
  name: string;
  description: string | null;
  fields: FormField[];
  active: boolean;
  authorId: string | null;
  answerCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}
export interface FormWrite {
  name?: string;
  description?: string | null;
  fields?: FormField[];
  active?: boolean;
}
export interface FormAnswer {
  formId: string;
  formName: string;
  userId: string;
  username: string | null;
  answers: Record<string, CustomFieldValue>;
  submittedAt: string;
  updatedAt: string;
}

// ---- Badges, languages, segments, rights

export interface Badge {
  id: string;
  key: string;
  name: string;
  description: string | null;
  holders: number;
  createdAt: string;
}

export interface Language {
  /** BCP 47 tag. */
  code: string;
  name: string;
  enabled: boolean;
}

/** A saved users-list filter, evaluated in SQL; `count` is live. */
export interface Segment {
  id: string;
  name: string;
  description: string | null;
  filter: Record<string, string | string[]>;
  count: number;
  countExact: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** `GET /api/v1/users/:id/rights`: the roles of a user and the permissions they add up to. */
export interface UserRights {
  roles: { key: string; name: string }[];
  permissions: string[];
}

// ---- User actions

/** `POST /api/v1/users/:id/invite`. */
export interface InvitationResult {
  enrollment: string;
  invitationResends: number;
  expiresAt: string;
  sentTo: string;
}

/** `POST /api/v1/users/:id/reset-password` with `{ method: 'email' | 'temporary' }`. */
export interface ResetPasswordResult {
  method: 'email' | 'temporary';
  /** Shown once to the administrator; the user must change it at the next sign-in. */
  temporaryPassword?: string;
  sentTo?: string;
}

/** `POST /api/v1/users/:id/impersonate` with `{ reason }`: open `url` in a browser within a minute or two. */
export interface ImpersonationStart {
  url: string;
  expiresAt: string;
}

// ---- Settings: `GET|PATCH /api/v1/settings`

export type SmtpSecurity = 'none' | 'starttls' | 'tls';

export interface MailSettings {
  /** Null: no SMTP server, mails stay in the outbox. */
  host: string | null;
  port: number;
  security: SmtpSecurity;
  user: string | null;
  /** Write-only: `PATCH` takes `password`, `GET` says whether one is set. */
  hasPassword: boolean;
  from: string;
}

export interface Settings {
  policies: Policies;
  mail: MailSettings;
  /** The address users reach the portal at (links in mails); default: the server's own URL. */
  publicUrl: string | null;
  licenses: { pool: number | null; used: number };
}

// ---- Stats: `GET /api/v1/stats`

export interface Stats {
  users: {
    total: number;
    active: number;
    inactive: number;
    banned: number;
    expired: number;
    trash: number;
    verified: number;
    unverified: number;
  };
  enrollment: Record<string, number>;
  roles: { key: string; name: string; count: number }[];
  /** The largest groups. */
  groups: { id: string; name: string; count: number }[];
  signInsPerDay: { day: string; count: number }[];
  licenses: { used: number; pool: number | null };
  recentActivity: ActivityEntry[];
}

// ---- Trash, sweeps, group tools

/** `GET /api/v1/trash`: users in the trash, with the time the retention policy purges each. */
export type TrashedUser = User & { purgeAt: string };

/** `POST /api/v1/sweeps` (also run at start and on a schedule): what each lifecycle sweep did. */
export interface SweepReport {
  expired: number;
  inactive: number;
  invitationsExpired: number;
  purged: number;
  impersonationsEnded: number;
  tokensRemoved: number;
}

/** `POST /api/v1/groups/cleanup` with `{ dryRun }`: the empty groups (deleted unless a dry run). */
export interface GroupCleanupResult {
  dryRun: boolean;
  count: number;
  groups: { id: string; name: string }[];
}
