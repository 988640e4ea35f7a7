/**
 * The embedded Local directory (DESIGN.md §3): the Userdeck server in its own process on a random
 * loopback port, its data in `<dataDir>/local-directory`, reached with a random Administrator token
 * made for each start and kept only in memory. Started on demand, stopped on quit. On first start
 * it is either seeded with a sample data set or left empty.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, type AppErrorData } from '../../../common/errors';
import type { LocalDirectoryStatus } from '../../../common/connections';
import { createApiClient } from '../api';
import type { Logger } from '../log/logger';
import { readJsonFile, writeJsonFile } from '../storage/json-file';
import type { LocalLauncher, LocalServerProcess } from './launcher';

export interface LocalEndpoint {
  url: string;
  token: string;
}

/** Fills a fresh directory with sample users over its API. */
export type SeedFunction = (endpoint: LocalEndpoint, count: number) => Promise<void>;

const markerSchema = z.object({
  version: z.literal(1),
  initializedAt: z.string(),
  sample: z.boolean(),
});

export interface LocalDirectoryOptions {
  appDataDir: string;
  launcher: LocalLauncher;
  seed: SeedFunction;
  logger: Logger;
  onStatus?: (status: LocalDirectoryStatus) => void;
  sampleSize?: number;
}

export const SAMPLE_SIZE = 500;

export class LocalDirectory {
  readonly dataDir: string;
  private readonly markerPath: string;
  private process: LocalServerProcess | null = null;
  private endpoint: LocalEndpoint | null = null;
  private starting: Promise<LocalEndpoint> | null = null;
  private state: LocalDirectoryStatus['state'] = 'stopped';
  private error: AppErrorData | null = null;

  constructor(private readonly options: LocalDirectoryOptions) {
    this.dataDir = join(options.appDataDir, 'local-directory');
    this.markerPath = join(options.appDataDir, 'local-directory.json');
  }

  private marker() {
    return readJsonFile(this.markerPath, markerSchema.nullable(), null);
  }

  get initialized(): boolean {
    return this.marker() !== null;
  }

  get url(): string | null {
    return this.endpoint?.url ?? null;
  }

  /** The server process's id while it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  status(): LocalDirectoryStatus {
    const marker = this.marker();
    return { state: this.state, initialized: marker !== null, sample: marker?.sample ?? null, error: this.error };
  }

  private set(state: LocalDirectoryStatus['state'], error: AppErrorData | null = null) {
    this.state = state;
    this.error = error;
    this.options.onStatus?.(this.status());
  }

  /** First start: starts the server and seeds it with the sample, or leaves it empty. */
  async initialize(sample: boolean): Promise<LocalEndpoint> {
    if (this.initialized) return this.start();
    const endpoint = await this.launch();
    if (sample) {
      this.set('seeding');
      try {
        await this.options.seed(endpoint, this.options.sampleSize ?? SAMPLE_SIZE);
      } catch (error) {
        const data = error instanceof AppError ? error.toData() : new AppError('internal').toData();
        this.options.logger.error('local directory: seeding failed', { error });
        this.set('running', data);
        throw error instanceof AppError ? error : new AppError('internal', {}, { key: 'errors.localSeedFailed' });
      }
    }
    writeJsonFile(this.markerPath, { version: 1, initializedAt: new Date().toISOString(), sample });
    this.set('running');
    return endpoint;
  }

  /** Starts it if needed (it must have been initialized once); concurrent callers share the start. */
  async start(): Promise<LocalEndpoint> {
    if (!this.initialized) throw new AppError('notConnected', {}, { key: 'errors.localNotInitialized' });
    return this.launch();
  }

  private launch(): Promise<LocalEndpoint> {
    if (this.endpoint) return Promise.resolve(this.endpoint);
    this.starting ??= this.spawn().finally(() => (this.starting = null));
    return this.starting;
  }

  private async spawn(): Promise<LocalEndpoint> {
    this.set('starting');
    const token = randomBytes(32).toString('base64url');
    const logger = this.options.logger;
    try {
      const child = await this.options.launcher.start({
        dataDir: this.dataDir,
        token,
        onOutput: (line) => logger.info(`local directory: ${line}`),
      });
      this.process = child;
      this.endpoint = { url: child.url, token };
      child.onExit((code) => {
        if (this.process !== child) return;
        logger.warn('local directory: stopped unexpectedly', { code });
        this.process = null;
        this.endpoint = null;
        this.set('stopped', new AppError('unreachable', { code: code ?? -1 }, { key: 'errors.localStopped' }).toData());
      });
      logger.info('local directory: started', { url: child.url, pid: child.pid });
      await this.revokeEarlierTokens(this.endpoint);
      this.set('running');
      return this.endpoint;
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('internal', {}, { key: 'errors.localStartFailed' });
      logger.error('local directory: start failed', { error });
      this.set('failed', appError.toData());
      throw appError;
    }
  }

  /**
   * Each start makes a new Administrator token; the ones of earlier runs are revoked so that only
   * the token in memory now opens the directory. Best effort: a failure is logged, not fatal.
   */
  private async revokeEarlierTokens(endpoint: LocalEndpoint): Promise<void> {
    const api = createApiClient({
      baseUrl: endpoint.url,
      credentials: { method: 'token', token: endpoint.token },
      proxy: { mode: 'none' },
    });
    try {
      const me = await api.admin.me();
      const list = await api.http.request<{ items: { id: string; name: string; revokedAt: string | null }[] }>({
        method: 'GET',
        path: '/api/v1/tokens',
        query: { pageSize: 500 },
      });
      for (const token of list.data.items) {
        if (token.name === 'bootstrap' && !token.revokedAt && token.id !== me.token?.id) {
          await api.http.request({ method: 'DELETE', path: `/api/v1/tokens/${encodeURIComponent(token.id)}` });
        }
      }
    } catch (error) {
      this.options.logger.warn('local directory: could not revoke earlier tokens', { error });
    } finally {
      api.dispose();
    }
  }

  /** Stops it and waits until its port is released. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.process;
    this.process = null;
    this.endpoint = null;
    if (!child) return;
    await child.stop();
    this.options.logger.info('local directory: stopped');
    this.set('stopped');
  }
}

/** Adapts the seed command's function (`userdeck seed`) to the Local directory's first start. */
export function sampleSeeder(
  seedDirectory: (options: { url: string; token: string; count: number }) => Promise<{ failed: number; firstFailure?: string }>,
): SeedFunction {
  return async ({ url, token }, count) => {
    const summary = await seedDirectory({ url, token, count });
    if (summary.failed) throw new AppError('server', { failed: summary.failed }, { key: 'errors.localSeedFailed' });
  };
}
