import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { channelNames } from '../../common/contract';
import { AppError } from '../../common/errors';
import type { Dispatch } from '../services/ipc/dispatch';
import type { Logger } from '../services/log/logger';
import { isTrustedUrl } from './security';

/** Refuses calls from foreign origins and from sub-frames. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, origins: readonly string[]): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedUrl(frame.url, origins);
}

/** Registers one ipcMain handler per contract channel; each checks its sender, then dispatches. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  dispatch: Dispatch,
  origins: readonly string[],
  logger: Logger,
): void {
  for (const channel of channelNames) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      if (!isTrustedSender(event, origins)) {
        logger.warn('ipc: call from untrusted frame refused', { channel, url: event.senderFrame?.url });
        return { ok: false, error: new AppError('forbiddenSender').toData() };
      }
      return dispatch(channel, input, { via: 'ipc' });
    });
  }
}
