/**
 * The journal of an apply job, so that after a crash or `kill -9` the same command with
 * `--resume JOBID` finishes it without creating anyone twice. Append-only NDJSON, flushed to disk
 * before each batch is sent (`intent`) and after its answer (`result`):
 * - a row with a result is done;
 * - a row with an intent and no result is sent again with its original action and idempotency key,
 *   so the server answers with the first result if that batch did land;
 * - any other row is planned and sent afresh.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { FileError } from '../files/errors';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

export type RowStatus = 'created' | 'updated' | 'skipped' | 'failed';

export const jobMetaSchema = z.object({
  id: z.string(),
  file: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  url: z.string(),
  options: z.record(z.string(), z.unknown()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobMeta = z.infer<typeof jobMetaSchema>;

export interface Intent {
  row: number;
  action: 'create' | 'update';
  userId?: string;
}

export interface RowResult {
  row: number;
  status: RowStatus;
  userId?: string;
  reason?: string;
}

type Line = { t: 'intent'; rows: Intent[] } | { t: 'result'; rows: RowResult[] };

export const isJobId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

export class Journal {
  readonly results = new Map<number, RowResult>();
  readonly intents = new Map<number, Intent>();

  private constructor(
    readonly dir: string,
    readonly meta: JobMeta,
  ) {}

  static jobsDir(dataDir: string): string {
    return join(dataDir, 'jobs');
  }

  static create(dataDir: string, file: string, url: string, options: Record<string, unknown>): Journal {
    const id = randomUUID();
    const dir = join(Journal.jobsDir(dataDir), id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = statSync(file);
    const meta: JobMeta = {
      id,
      file: resolve(file),
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      url,
      options,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    writeJsonFile(join(dir, 'job.json'), meta);
    return new Journal(dir, meta);
  }

  /** Reopens a job to resume it; refuses another file or a file changed since. */
  static resume(dataDir: string, id: string, file: string, url: string): Journal {
    if (!isJobId(id)) throw new FileError('badJob', `"${id}" is not a job id`);
    const dir = join(Journal.jobsDir(dataDir), id);
    const meta = readJsonFile(join(dir, 'job.json'), jobMetaSchema.nullable(), null);
    if (!meta) throw new FileError('noJob', `no job ${id} in ${Journal.jobsDir(dataDir)}`);
    if (meta.file !== resolve(file)) throw new FileError('jobFile', `job ${id} imports ${meta.file}, not ${resolve(file)}`);
    const stat = statSync(file);
    if (stat.size !== meta.size || stat.mtimeMs !== meta.mtimeMs)
      throw new FileError('jobFileChanged', `${file} changed since job ${id} started: it cannot be resumed`);
    if (meta.url.replace(/\/+$/, '') !== url.replace(/\/+$/, ''))
      throw new FileError('jobUrl', `job ${id} ran against ${meta.url}, not ${url}`);
    const journal = new Journal(dir, meta);
    journal.load();
    return journal;
  }

  private get path(): string {
    return join(this.dir, 'journal.ndjson');
  }

  private load(): void {
    if (!existsSync(this.path)) return;
    const text = readFileSync(this.path, 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: Line;
      try {
        entry = JSON.parse(line) as Line;
      } catch {
        continue; // the last line may be torn by a kill mid-write
      }
      if (entry.t === 'intent') for (const i of entry.rows) this.intents.set(i.row, i);
      else for (const r of entry.rows) this.results.set(r.row, r);
    }
  }

  private append(entry: Line): void {
    const fd = openSync(this.path, 'a', 0o600);
    try {
      appendFileSync(fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  intend(rows: Intent[]): void {
    if (!rows.length) return;
    this.append({ t: 'intent', rows });
    for (const r of rows) this.intents.set(r.row, r);
  }

  record(rows: RowResult[]): void {
    if (!rows.length) return;
    this.append({ t: 'result', rows });
    for (const r of rows) this.results.set(r.row, r);
  }

  finish(): void {
    writeJsonFile(join(this.dir, 'job.json'), { ...this.meta, finishedAt: new Date().toISOString() });
  }

  /** The idempotency key of a row: stable across resumes of this job. */
  key(row: number): string {
    return `${this.meta.id}:${row}`;
  }
}
