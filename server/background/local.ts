import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext } from '../context';
import { pendingChunks, processChunk } from '../jobs/process';
import { runSweeps } from '../lifecycle/sweeps';
import type { Background, BackgroundOptions } from './types';

export interface RunnerLogger {
  error(message: string): void;
}

/**
 * The single-process runner (SQLite): one loop works through the pending chunks of running jobs,
 * oldest job first, straight from the database, so a restart simply carries on; sweeps run at
 * start and on a timer.
 */
export class LocalBackground implements Omit<Background, 'chunkSize'> {
  private loop: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private sweeping: Promise<unknown> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly ctx: ServerContext,
    readonly instanceId: string,
    private readonly options: BackgroundOptions,
    private readonly logger?: RunnerLogger,
  ) {
    this.timer = setInterval(() => void this.requestSweep(), options.sweepMinutes * 60_000);
    this.timer.unref();
  }

  start(): void {
    void this.requestSweep();
    this.wake();
  }

  async submitJob(): Promise<void> {
    this.wake();
  }

  async requestSweep(): Promise<void> {
    if (this.stopped || this.sweeping) return;
    this.sweeping = runSweeps(this.ctx)
      .catch((error: Error) => this.logger?.error(`sweep failed: ${error.message}`))
      .finally(() => (this.sweeping = null));
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    this.loop = this.work().finally(() => {
      this.loop = null;
      if (this.again && !this.stopped) this.wake();
    });
  }

  private async work(): Promise<void> {
    do {
      this.again = false;
      let chunks: { jobId: string; chunk: number }[] = [];
      try {
        chunks = await pendingChunks(this.ctx);
      } catch (error) {
        this.logger?.error(`job runner: ${(error as Error).message}`);
        return;
      }
      for (const { jobId, chunk } of chunks) {
        if (this.stopped) return;
        try {
          await processChunk(this.ctx, jobId, chunk, this.instanceId);
        } catch (error) {
          this.logger?.error(`job ${jobId} chunk ${chunk}: ${(error as Error).message}`);
          // The chunk stays pending: try again a little later rather than spin on it.
          this.retryLater();
        }
        // Give interactive requests their turn between chunks.
        await (this.options.chunkPauseMs > 0 ? sleep(this.options.chunkPauseMs) : new Promise((r) => setImmediate(r)));
      }
    } while (this.again && !this.stopped);
  }

  private retry: NodeJS.Timeout | null = null;

  private retryLater(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.wake();
    }, 5_000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    clearInterval(this.timer);
    await this.loop?.catch(() => undefined);
    await this.sweeping?.catch(() => undefined);
  }
}
