import type { ParsedInputOf, OutputOf } from '../../../common/contract-kit';
import type { ChannelName, Contract } from '../../../common/contract';

/** What a handler knows about the call besides its input. */
export interface CallContext {
  /** Where the call came from, for logs: `ipc` (Electron) or `bridge`. */
  via: 'ipc' | 'bridge' | 'test';
}

export type Handler<K extends ChannelName> = (
  input: ParsedInputOf<Contract[K]>,
  ctx: CallContext,
) => Promise<OutputOf<Contract[K]>> | OutputOf<Contract[K]>;

/** One handler per channel of the contract; a missing one is a type error. */
export type Handlers = { [K in ChannelName]: Handler<K> };

/** The handlers of one domain, e.g. `HandlersOf<'settings'>`. */
export type HandlersOf<D extends string> = {
  [K in ChannelName as K extends `${D}/${string}` ? K : never]: Handler<K>;
};
