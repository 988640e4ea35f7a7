/**
 * What the desktop's users list, user form, profile, trash and bulk jobs exchange over IPC
 * (DESIGN.md §3): the users-list query as a flat string record (the same record is the route's
 * query, so a view is bookmarkable, and the admin API's query string), saved views and columns per
 * connection, user writes from the form, single-user actions and bulk job requests.
 */
import { z } from 'zod';
import { jobActions } from '../api/lifecycle';
import { customFieldKeyPattern, type CustomFieldDefinition } from './fields';
import { userListQuerySchema } from './query';
import type { Page, User } from './user';

// ---- The users-list query ------------------------------------------------------------------------

/** The query parameters of `GET /api/v1/users` the app sends; anything else but `cf.<key>` is refused. */
export const userQueryKeys = [
  'q',
  'sort',
  'order',
  'page',
  'pageSize',
  'cursor',
  'status',
  'verified',
  'role',
  'group',
  'segment',
  'tags',
  'tagsMode',
  'registeredFrom',
  'registeredTo',
  'lastLoginFrom',
  'lastLoginTo',
  'connected',
  'enrollment',
  'external',
  'source',
] as const;
export type UserQueryKey = (typeof userQueryKeys)[number];

const customFilterKey = new RegExp(`^cf\\.${customFieldKeyPattern.source.slice(1, -1)}$`);
export const isUserQueryKey = (key: string): boolean =>
  (userQueryKeys as readonly string[]).includes(key) || customFilterKey.test(key);

/** A users-list query as strings (lists comma-separated): route query, IPC input and API query alike. */
export type UserQuery = Record<string, string>;

export const userQuerySchema = z.record(z.string().max(80), z.string().max(500)).superRefine((query, ctx) => {
  for (const key of Object.keys(query)) {
    if (!isUserQueryKey(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'unknownFilter' });
  }
  const parsed = userListQuerySchema.safeParse(query);
  if (!parsed.success)
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

/** Page sizes the list offers. */
export const pageSizes = [10, 30, 50, 100] as const;
export const defaultPageSize = 30;

/** The filter part of a query: what a bulk job on "all matching" receives (no sort, page or cursor). */
export function filterOf(query: UserQuery): UserQuery {
  const out: UserQuery = {};
  for (const [key, value] of Object.entries(query)) {
    if (['sort', 'order', 'page', 'pageSize', 'cursor'].includes(key) || value === '') continue;
    out[key] = value;
  }
  return out;
}

/** A user in the trash, with the date the server will purge them. */
export interface TrashedUser extends User {
  purgeAt: string;
}

export interface UserListResult extends Page<User> {
  /** False when the server stopped counting: `total` is then a lower bound. */
  totalExact: boolean;
}

// ---- What the filters and the form choose from ----------------------------------------------------

export interface RoleOption {
  key: string;
  name: string;
  builtin: boolean;
  permissions: string[];
}

export interface NamedOption {
  id: string;
  name: string;
}

/** The directory's vocabularies, for filters, the form and bulk actions; empty where a feature is missing. */
export interface DirectoryOptions {
  roles: RoleOption[];
  segments: NamedOption[];
  badges: { key: string; name: string }[];
  languages: { code: string; name: string }[];
  customFields: CustomFieldDefinition[];
  /** The licence pool (null: unlimited), when the server has licences. */
  licenses: { pool: number | null; used: number } | null;
  /** Days a user stays in the trash before being purged. */
  trashRetentionDays: number;
}

// ---- Saved views and columns, per connection ------------------------------------------------------

/** The columns of the users table; custom fields are `cf.<key>`. */
export const builtinColumns = [
  'avatar',
  'name',
  'username',
  'email',
  'roles',
  'status',
  'verification',
  'createdAt',
  'lastLoginAt',
  'loginCount',
  'tags',
  'groups',
  'source',
  'external',
] as const;
export type BuiltinColumn = (typeof builtinColumns)[number];
export const defaultColumns: BuiltinColumn[] = [
  'avatar',
  'name',
  'username',
  'email',
  'roles',
  'status',
  'verification',
  'createdAt',
  'lastLoginAt',
  'loginCount',
  'tags',
];

const columnKey = z
  .string()
  .refine((key) => (builtinColumns as readonly string[]).includes(key) || customFilterKey.test(key), 'unknownColumn');

export const savedViewInputSchema = z
  .object({ name: z.string().trim().min(1, 'required').max(80, 'tooLong'), query: userQuerySchema })
  .strict();

export interface SavedView {
  id: string;
  name: string;
  query: UserQuery;
  createdAt: string;
}

export interface UsersViewState {
  views: SavedView[];
  /** Null: the default columns. */
  columns: string[] | null;
}

export const columnsInputSchema = z.object({ columns: z.array(columnKey).max(100).nullable() }).strict();

// ---- The user form ---------------------------------------------------------------------------------

const text = (max: number) => z.string().max(max);
const nullable = (max: number) => z.string().max(max).nullable();
const customValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(1000)).max(1000), z.null()]);

/** What the form may send: the writable fields of DESIGN.md §5 (no imported hashes or history). */
export const userFormWriteSchema = z
  .object({
    username: text(100).optional(),
    email: nullable(254).optional(),
    firstName: text(100).optional(),
    lastName: text(100).optional(),
    maternalSurname: nullable(100).optional(),
    displayName: nullable(200).optional(),
    officialCode: nullable(64).optional(),
    phone: nullable(40).optional(),
    language: nullable(35).optional(),
    external: z.boolean().optional(),
    active: z.boolean().optional(),
    emailVerified: z.boolean().optional(),
    expiresAt: nullable(40).optional(),
    password: z.string().max(1024).optional(),
    roles: z.array(z.string().max(200)).max(100).optional(),
    groups: z.array(z.string().max(200)).max(1000).optional(),
    tags: z.array(z.string().max(100)).max(1000).optional(),
    license: nullable(100).optional(),
    customFields: z.record(z.string().max(100), customValue).optional(),
  })
  .strict();
export type UserFormWrite = z.infer<typeof userFormWriteSchema>;

/** After creating: mail the password the admin set, or an invitation to choose one. */
export const afterCreateActions = ['none', 'sendPassword', 'invite'] as const;
export type AfterCreate = (typeof afterCreateActions)[number];

export interface CreateUserResult {
  user: User;
  /** The mail went out (or was queued); false when the server refused it (the user exists anyway). */
  mailed: boolean;
}

// ---- Single-user actions ---------------------------------------------------------------------------

export const statusActions = ['activate', 'deactivate', 'ban'] as const;
export type StatusAction = (typeof statusActions)[number];

/** How an impersonation was opened: a window of its own (Electron), or a one-time popup path (bridge). */
export type ImpersonationOpened = { mode: 'window' } | { mode: 'popup'; path: string };

/** What a saved results or export CSV became. */
export interface SavedFile {
  saved: boolean;
  name: string | null;
}

// ---- Bulk jobs -------------------------------------------------------------------------------------

const id = z.string().min(1).max(100);

/** Selected ids, or every user matching a filter ("all N matching"): the ids never reach the renderer. */
export const jobTargetSchema = z.union([
  z.object({ ids: z.array(id).min(1).max(10_000) }).strict(),
  z.object({ query: userQuerySchema }).strict(),
]);
export type JobTarget = z.infer<typeof jobTargetSchema>;

const paramValue = z.union([z.string().max(500), z.array(z.string().max(200)).max(200), z.literal(true)]);

export const jobRequestSchema = z
  .object({
    action: z.enum(jobActions),
    params: z.record(z.string().max(50), paramValue).optional(),
    target: jobTargetSchema,
  })
  .strict();
export type JobRequest = z.infer<typeof jobRequestSchema>;

/** Actions that cannot be undone (or only by hand): the preview asks to type the count. */
export const destructiveJobActions = [
  'delete',
  'anonymize',
  'purge',
  'ban',
  'deactivate',
  'removeRoles',
  'removeGroups',
] as const;
export const isDestructive = (action: string): boolean => (destructiveJobActions as readonly string[]).includes(action);

/** The permission each bulk action needs on top of `jobs.run` (mirrors the server's operations). */
export const jobActionPermissions: Record<(typeof jobActions)[number], string> = {
  activate: 'users.update',
  deactivate: 'users.update',
  ban: 'users.update',
  delete: 'users.delete',
  restore: 'users.delete',
  purge: 'trash.purge',
  anonymize: 'users.anonymize',
  addTags: 'users.update',
  removeTags: 'users.update',
  addGroups: 'users.update',
  removeGroups: 'users.update',
  addRoles: 'users.update',
  removeRoles: 'users.update',
  setLanguage: 'users.update',
  grantBadge: 'users.update',
  revokeBadge: 'users.update',
  invite: 'users.credentials',
  resetPassword: 'users.credentials',
  assignLicense: 'users.update',
  releaseLicense: 'users.update',
  export: 'users.read',
};
