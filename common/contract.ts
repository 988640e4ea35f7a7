/**
 * The one IPC contract: every channel between renderer and main, with the zod schema of its input
 * and the type of its output. main validates every input against it; the preload, the bridge shim
 * and the renderer's types are derived from it. Channel names are `domain/action`.
 */
import { z } from 'zod';
import { channel, event, type ApiOf } from './contract-kit';
import { preferencesSchema, type Preferences } from './preferences';
import {
  connectionInputSchema,
  signInInputSchema,
  type ActiveConnection,
  type CachedSchema,
  type ConnectionSummary,
  type ConnectionsState,
  type LocalDirectoryStatus,
  type TestReport,
} from './connections';
import type { MailboxPage } from './mailbox';
import type {
  ActivityPage,
  FormAnswer,
  InvitationResult,
  Job,
  JobPreview,
  JobResultPage,
  LastAccess,
  Note,
  ResetPasswordResult,
  SessionInfo,
  UserRights,
} from './api/lifecycle';
import {
  afterCreateActions,
  columnsInputSchema,
  jobRequestSchema,
  savedViewInputSchema,
  statusActions,
  userFormWriteSchema,
  userQuerySchema,
  type CreateUserResult,
  type DirectoryOptions,
  type ImpersonationOpened,
  type NamedOption,
  type SavedFile,
  type TrashedUser,
  type UserListResult,
  type UsersViewState,
} from './users/directory';
import type { DirectoryUser } from './users/scim';
import type { Page, User } from './users/user';

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  /** `electron` in the desktop app, `bridge` when served to a browser over loopback. */
  mode: 'electron' | 'bridge';
  /** The operating system's language tag. */
  systemLocale: string;
}

/** A file picked with a native dialog: the renderer only ever sees this opaque handle. */
export interface PickedFile {
  handle: string;
  name: string;
  size: number;
}

export const fileKinds = ['import', 'caCertificate', 'avatar', 'workspace'] as const;

const connectionId = z.string().min(1).max(100);
/** Chosen by the renderer for a long call it may cancel with `api/cancel`. */
const requestId = z.string().uuid();
/** A user, note, session or job id of the directory. */
const recordId = z.string().min(1).max(100);
const userRef = z.object({ id: recordId }).strict();
/** A SCIM resource's ETag as the server sent it (`W/"…"`), for If-Match. */
const scimEtag = z.string().min(1).max(500);
const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date');

export const contract = {
  'app/info': channel<AppInfo>()(z.undefined()),
  'settings/get': channel<Preferences>()(z.undefined()),
  'settings/update': channel<Preferences>()(preferencesSchema.partial().strict()),
  'dialogs/openFile': channel<PickedFile | null>()(
    z.object({ kind: z.enum(fileKinds), title: z.string().max(200).optional() }).strict(),
  ),
  'api/cancel': channel<boolean>()(z.object({ requestId }).strict()),
  'connections/list': channel<ConnectionsState>()(z.undefined()),
  'connections/create': channel<ConnectionSummary>()(connectionInputSchema),
  'connections/update': channel<ConnectionSummary>()(z.object({ id: connectionId, input: connectionInputSchema }).strict()),
  'connections/duplicate': channel<ConnectionSummary>()(z.object({ id: connectionId }).strict()),
  'connections/delete': channel<ConnectionsState>()(z.object({ id: connectionId }).strict()),
  'connections/test': channel<TestReport>()(
    z
      .object({ id: connectionId.optional(), input: connectionInputSchema.optional(), requestId: requestId.optional() })
      .strict()
      .refine((v) => v.id !== undefined || v.input !== undefined, { message: 'required', path: ['input'] }),
  ),
  'connections/activate': channel<ActiveConnection>()(z.object({ id: connectionId }).strict()),
  'connections/active': channel<ActiveConnection | null>()(z.undefined()),
  'connections/signIn': channel<ActiveConnection>()(signInInputSchema),
  'connections/reconnect': channel<ActiveConnection | null>()(z.undefined()),
  'connections/disconnect': channel<null>()(z.undefined()),
  'connections/dismissWelcome': channel<ConnectionsState>()(z.undefined()),
  'connections/schema': channel<CachedSchema | null>()(z.object({ id: connectionId }).strict()),
  'local/status': channel<LocalDirectoryStatus>()(z.undefined()),
  'local/initialize': channel<ActiveConnection>()(z.object({ sample: z.boolean() }).strict()),
  'local/stop': channel<LocalDirectoryStatus>()(z.undefined()),
  'mailbox/list': channel<MailboxPage>()(
    z
      .object({
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(100).default(25),
      })
      .strict(),
  ),
  'users/list': channel<UserListResult>()(z.object({ query: userQuerySchema, requestId: requestId.optional() }).strict()),
  'users/get': channel<DirectoryUser>()(userRef),
  'users/create': channel<CreateUserResult>()(
    z.object({ user: userFormWriteSchema, after: z.enum(afterCreateActions).default('none') }).strict(),
  ),
  'users/update': channel<DirectoryUser>()(
    z.object({ id: recordId, version: z.number().int().min(0), etag: scimEtag.optional(), patch: userFormWriteSchema }).strict(),
  ),
  'users/delete': channel<null>()(
    z
      .object({
        id: recordId,
        version: z.number().int().min(0).optional(),
        etag: scimEtag.optional(),
        fallbackOwnerId: recordId.optional(),
      })
      .strict(),
  ),
  'users/readImage': channel<string>()(z.object({ handle: z.string().uuid() }).strict()),
  'users/setAvatar': channel<User>()(
    z
      .object({
        id: recordId,
        version: z.number().int().min(0),
        image: z
          .string()
          .max(200_000)
          .regex(/^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/, 'image')
          .nullable(),
      })
      .strict(),
  ),
  'users/setStatus': channel<DirectoryUser>()(
    z.object({ id: recordId, action: z.enum(statusActions), reason: z.string().trim().max(500).optional() }).strict(),
  ),
  'users/anonymize': channel<User>()(z.object({ id: recordId, confirm: z.literal(true) }).strict()),
  'users/resetPassword': channel<ResetPasswordResult>()(
    z.object({ id: recordId, method: z.enum(['email', 'temporary']) }).strict(),
  ),
  'users/invite': channel<InvitationResult>()(userRef),
  'users/impersonate': channel<ImpersonationOpened>()(
    z.object({ id: recordId, reason: z.string().trim().min(3).max(500) }).strict(),
  ),
  'users/activity': channel<ActivityPage>()(
    z
      .object({
        id: recordId,
        type: z.string().max(100).optional(),
        from: isoDay.optional(),
        to: isoDay.optional(),
        before: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  'users/lastAccess': channel<LastAccess>()(
    z.object({ id: recordId, days: z.number().int().min(1).max(366).default(90) }).strict(),
  ),
  'users/signIns': channel<{ day: string; count: number }[]>()(
    z.object({ id: recordId, days: z.number().int().min(1).max(366).default(90) }).strict(),
  ),
  'users/sessions': channel<SessionInfo[]>()(z.object({ id: recordId, ended: z.boolean().optional() }).strict()),
  'users/endSession': channel<null>()(z.object({ id: recordId, sessionId: recordId }).strict()),
  'users/endAllSessions': channel<null>()(userRef),
  'users/notes': channel<Note[]>()(userRef),
  'users/addNote': channel<Note>()(z.object({ id: recordId, body: z.string().trim().min(1).max(10_000) }).strict()),
  'users/editNote': channel<Note>()(
    z
      .object({ id: recordId, noteId: recordId, body: z.string().trim().min(1).max(10_000), version: z.number().int().min(0) })
      .strict(),
  ),
  'users/formAnswers': channel<FormAnswer[]>()(userRef),
  'users/rights': channel<UserRights>()(userRef),
  'users/options': channel<DirectoryOptions>()(z.undefined()),
  'users/segments': channel<NamedOption[]>()(userRef),
  'users/searchTags': channel<string[]>()(z.object({ q: z.string().max(100) }).strict()),
  'users/searchGroups': channel<NamedOption[]>()(z.object({ q: z.string().max(200) }).strict()),
  'users/views': channel<UsersViewState>()(z.undefined()),
  'users/saveView': channel<UsersViewState>()(savedViewInputSchema),
  'users/deleteView': channel<UsersViewState>()(userRef),
  'users/setColumns': channel<UsersViewState>()(columnsInputSchema),
  'jobs/preview': channel<JobPreview>()(jobRequestSchema),
  'jobs/start': channel<Job>()(jobRequestSchema),
  'jobs/get': channel<Job>()(userRef),
  'jobs/list': channel<Job[]>()(z.undefined()),
  'jobs/cancel': channel<Job>()(userRef),
  'jobs/results': channel<JobResultPage>()(
    z
      .object({
        id: recordId,
        status: z.enum(['pending', 'done', 'skipped', 'failed']).optional(),
        page: z.number().int().min(1).max(100_000).default(1),
        pageSize: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
  ),
  'jobs/retryFailed': channel<Job>()(userRef),
  'jobs/saveCsv': channel<SavedFile>()(z.object({ id: recordId, kind: z.enum(['results', 'export']) }).strict()),
  'trash/list': channel<Page<TrashedUser>>()(
    z
      .object({
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(100).default(30),
        q: z.string().max(200).optional(),
      })
      .strict(),
  ),
  'trash/restore': channel<User>()(userRef),
  'trash/purge': channel<{ purged: number }>()(
    z.object({ ids: z.array(recordId).min(1).max(1000), confirm: z.literal(true) }).strict(),
  ),
};

export const events = {
  'settings/changed': event<Preferences>(),
  'connections/changed': event<ConnectionsState>(),
  'connections/active': event<ActiveConnection | null>(),
  'local/status': event<LocalDirectoryStatus>(),
};

export type Contract = typeof contract;
export type Events = typeof events;
export type ChannelName = keyof Contract & string;
export type EventName = keyof Events & string;
export const channelNames = Object.keys(contract) as ChannelName[];

export type UserdeckApi = ApiOf<Contract, Events>;
