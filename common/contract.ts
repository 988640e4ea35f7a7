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
