import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { ServerContext } from '../context';
import { pendingChunks, processChunk } from '../jobs/process';
import { runSweeps } from '../lifecycle/sweeps';
import type { RunnerLogger } from './local';
import type { Background, BackgroundOptions } from './types';

const chunkQueue = 'userdeck-job-chunk';
const sweepQueue = 'userdeck-sweep';

interface ChunkData {
  jobId: string;
  chunk: number;
}

/**
 * The PostgreSQL runner: job chunks and sweeps are pg-boss jobs in the shared database, so every
 * instance takes a share of a bulk job, and the sweep (scheduled by pg-boss's cron, which fires
 * once per tick whatever the number of instances, and sent at start with a singleton key) runs
 * once. A chunk a dead instance held is offered again when pg-boss expires it, or at the next
 * start, and the chunk's own item locking keeps every user processed once.
 */
export class BossBackground implements Omit<Background, 'chunkSize'> {
  private readonly boss: PgBoss;
  private chunkWorker: string | null = null;

  constructor(
    private readonly ctx: ServerContext,
    readonly instanceId: string,
    databaseUrl: string,
    private readonly options: BackgroundOptions,
    private readonly logger?: RunnerLogger,
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      application_name: 'userdeck',
      max: 4,
      // Maintenance and cron checks a little more often than the defaults, for a small server.
      maintenanceIntervalSeconds: 120,
      cronMonitorIntervalSeconds: 30,
    });
    this.boss.on('error', (error: Error) => this.logger?.error(`pg-boss: ${error.message}`));
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(chunkQueue, { name: chunkQueue, retryLimit: 5, retryDelay: 5, expireInSeconds: 15 * 60 });
    await this.boss.createQueue(sweepQueue, { name: sweepQueue, retryLimit: 2, retryDelay: 30, expireInSeconds: 30 * 60 });
    this.chunkWorker = await this.boss.work<ChunkData>(chunkQueue, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
      for (const job of jobs) {
        await processChunk(this.ctx, job.data.jobId, job.data.chunk, this.instanceId);
        if (this.options.chunkPauseMs > 0) await sleep(this.options.chunkPauseMs);
      }
      // Straight on to the next chunk rather than waiting for the polling interval.
      if (this.chunkWorker) this.boss.notifyWorker(this.chunkWorker);
    });
    await this.boss.work(sweepQueue, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
      await runSweeps(this.ctx);
    });
    await this.boss.schedule(sweepQueue, `*/${Math.max(1, Math.min(59, this.options.sweepMinutes))} * * * *`, {});
    // Chunks of jobs interrupted by a crash (or created before this runner started).
    const pending = await pendingChunks(this.ctx);
    if (pending.length) await this.send(pending);
    await this.requestSweep();
  }

  private async send(chunks: ChunkData[]): Promise<void> {
    for (let i = 0; i < chunks.length; i += 500)
      await this.boss.insert(chunks.slice(i, i + 500).map((data) => ({ name: chunkQueue, data })));
    if (this.chunkWorker) this.boss.notifyWorker(this.chunkWorker);
  }

  async submitJob(jobId: string, chunks: number[]): Promise<void> {
    await this.send(chunks.map((chunk) => ({ jobId, chunk })));
  }

  async requestSweep(): Promise<void> {
    // One sweep per minute slot, however many instances ask.
    await this.boss.send(sweepQueue, {}, { singletonKey: 'sweep', singletonSeconds: 60 });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 15_000 });
  }
}
