/**
 * Long calls the renderer may cancel: it passes a request id of its choosing with the call, and
 * `api/cancel` with the same id aborts it. Ids are forgotten when the call ends.
 */
import { AppError } from '../../../common/errors';

export class CancellationRegistry {
  private readonly controllers = new Map<string, AbortController>();

  /** Runs `work` with a signal that `cancel(requestId)` aborts; without an id, it cannot be cancelled. */
  async run<T>(requestId: string | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    if (!requestId) return work(undefined);
    if (this.controllers.has(requestId)) throw new AppError('invalidInput', { field: 'requestId' });
    const controller = new AbortController();
    this.controllers.set(requestId, controller);
    try {
      return await work(controller.signal);
    } finally {
      this.controllers.delete(requestId);
    }
  }

  /** True when a call with this id was running. */
  cancel(requestId: string): boolean {
    const controller = this.controllers.get(requestId);
    controller?.abort(new AppError('cancelled'));
    return controller !== undefined;
  }

  cancelAll(): void {
    for (const controller of this.controllers.values()) controller.abort(new AppError('cancelled'));
  }
}
