/**
 * The one IPC contract: every channel between renderer and main, with the zod schema of its input
 * and the type of its output. main validates every input against it; the preload, the bridge shim
 * and the renderer's types are derived from it. Channel names are `domain/action`.
 */
import { z } from 'zod';
import { channel, event, type ApiOf } from './contract-kit';
import { preferencesSchema, type Preferences } from './preferences';

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

export const contract = {
  'app/info': channel<AppInfo>()(z.undefined()),
  'settings/get': channel<Preferences>()(z.undefined()),
  'settings/update': channel<Preferences>()(preferencesSchema.partial().strict()),
  'dialogs/openFile': channel<PickedFile | null>()(
    z.object({ kind: z.enum(fileKinds), title: z.string().max(200).optional() }).strict(),
  ),
};

export const events = {
  'settings/changed': event<Preferences>(),
};

export type Contract = typeof contract;
export type Events = typeof events;
export type ChannelName = keyof Contract & string;
export type EventName = keyof Events & string;
export const channelNames = Object.keys(contract) as ChannelName[];

export type UserdeckApi = ApiOf<Contract, Events>;
