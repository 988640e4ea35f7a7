import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerContext } from '../context';
import { MailDelivery } from '../mail/delivery';
import { initSetting, writeSetting } from '../settings/store';
import { LocalBackground, type RunnerLogger } from './local';
import { BossBackground } from './pgboss';
import { defaultBackgroundOptions, type Background, type BackgroundOptions } from './types';

export interface BackgroundStart {
  /** The URL this instance serves on (mail links use it unless a public URL is configured). */
  serverUrl: string;
  databaseUrl?: string;
  logger?: RunnerLogger;
  options?: Partial<BackgroundOptions>;
}

/** Tuning from the environment, for operators and for tests that run the real `serve` command. */
function fromEnvironment(): Partial<BackgroundOptions> {
  const out: Partial<BackgroundOptions> = {};
  const read = (name: string) => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const chunk = read('USERDECK_JOB_CHUNK_SIZE');
  if (chunk) out.chunkSize = Math.min(5000, Math.floor(chunk));
  const pause = read('USERDECK_JOB_PAUSE_MS');
  if (pause !== undefined) out.chunkPauseMs = pause;
  const sweep = read('USERDECK_SWEEP_MINUTES');
  if (sweep) out.sweepMinutes = sweep;
  return out;
}

/**
 * Starts mail delivery, the job runner (pg-boss on PostgreSQL, in-process on SQLite) and the sweeps,
 * and resumes interrupted jobs. Returns the running background, whose `stop` ends all of it.
 */
export async function startBackground(
  ctx: ServerContext,
  start: BackgroundStart,
): Promise<Background & { options: BackgroundOptions }> {
  const options: BackgroundOptions = { ...defaultBackgroundOptions, ...fromEnvironment(), ...start.options };
  await writeSetting(ctx.db.kysely, 'serverUrl', start.serverUrl);
  // Signs the portal's CSRF tokens; shared by every instance through the database.
  await initSetting(ctx.db.kysely, 'portalSecret', randomBytes(32).toString('base64url'));
  const instanceId = randomUUID();
  const mail = new MailDelivery(ctx.db.kysely, ctx.clock, start.logger, options.mailPollMs);
  mail.start();
  let runner: LocalBackground | BossBackground;
  if (ctx.db.dialect === 'postgres') {
    const boss = new BossBackground(ctx, instanceId, start.databaseUrl!, options, start.logger);
    try {
      await boss.start();
    } catch (error) {
      await mail.stop();
      throw error;
    }
    runner = boss;
  } else {
    const local = new LocalBackground(ctx, instanceId, options, start.logger);
    local.start();
    runner = local;
  }
  return {
    instanceId,
    options,
    chunkSize: options.chunkSize,
    submitJob: (jobId, chunks) => runner.submitJob(jobId, chunks),
    requestSweep: () => runner.requestSweep(),
    async stop() {
      await runner.stop();
      await mail.stop();
    },
  };
}
