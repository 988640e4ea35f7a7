import type { PayloadOf } from '../../../common/contract-kit';
import type { EventName, Events } from '../../../common/contract';

/** Pushes an event to the renderer(s): webContents.send in Electron, a stream in the bridge. */
export type EventSink = <K extends EventName>(event: K, payload: PayloadOf<Events[K]>) => void;
