import { parseArgs } from 'node:util';
import type { BatchResponse } from '../../common/api/admin';
import { syntheticFields, syntheticUser } from '../../server/seed/synthetic';
import { CliError, networkError, usageError } from '../cli-error';
import type { Command } from '../command';

export interface SeedOptions {
  url: string;
  token: string;
  count: number;
  /** The first user index (to grow an existing seed). */
  start?: number;
  batchSize?: number;
  seed?: number;
  onProgress?: (done: number) => void;
}

export interface SeedSummary {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  seconds: number;
  firstFailure?: string;
}

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw networkError(`cannot reach ${base}: ${(error as Error).message}`);
  }
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, text };
}

/**
 * Creates `count` deterministic synthetic users through `POST /api/v1/users/batch` (1,000 a request,
 * two requests in flight). Idempotency keys are the user indexes, so running it again changes nothing.
 */
export async function seedDirectory(options: SeedOptions): Promise<SeedSummary> {
  const base = options.url.replace(/\/+$/, '');
  const started = performance.now();
  for (const field of syntheticFields) {
    const res = await call(base, options.token, 'POST', '/api/v1/custom-fields', field);
    if (res.status === 401 || res.status === 403) throw new CliError(`the server refused the token (${res.status})`, 2);
    if (res.status !== 201 && res.status !== 409)
      throw new CliError(`cannot define the custom field ${field.key}: ${res.text.slice(0, 200)}`, 1);
  }
  const size = options.batchSize ?? 1000;
  const first = options.start ?? 0;
  const summary: SeedSummary = { created: 0, updated: 0, skipped: 0, failed: 0, seconds: 0 };
  const batches: number[] = [];
  for (let at = first; at < first + options.count; at += size) batches.push(at);
  let done = 0;
  const send = async (at: number) => {
    const n = Math.min(size, first + options.count - at);
    const rows = Array.from({ length: n }, (_, k) => ({
      key: `seed-${options.seed ?? 1}-${at + k}`,
      action: 'upsert' as const,
      user: syntheticUser(at + k, options.seed ?? 1),
    }));
    const res = await call(base, options.token, 'POST', '/api/v1/users/batch', { rows });
    if (res.status !== 200)
      throw new CliError(`the server refused a batch (${res.status}): ${res.text.slice(0, 300)}`, res.status === 403 ? 2 : 1);
    for (const result of (res.body as BatchResponse).results) {
      summary[result.status]++;
      if (result.status === 'failed' && !summary.firstFailure) summary.firstFailure = `${result.key}: ${result.reason?.message}`;
    }
    done += n;
    options.onProgress?.(done);
  };
  // Two requests in flight: the next batch is built and sent while the server writes the last one.
  const queue = [...batches];
  await Promise.all(
    [0, 1].map(async () => {
      for (let at = queue.shift(); at !== undefined; at = queue.shift()) await send(at);
    }),
  );
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

const seed: Command = {
  summary: 'Create deterministic synthetic users on a directory (for demos and benchmarks)',
  usage: 'userdeck seed --url URL --token T --count N [--start I] [--batch 1000] [--json]',
  async run(args, io) {
    let values;
    try {
      values = parseArgs({
        args,
        options: {
          url: { type: 'string' },
          token: { type: 'string' },
          count: { type: 'string' },
          start: { type: 'string' },
          batch: { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
      }).values;
    } catch (error) {
      throw usageError((error as Error).message.split('\n')[0]!);
    }
    if (!values.url) throw usageError('missing --url URL');
    if (!values.token) throw usageError('missing --token T');
    try {
      const u = new URL(values.url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw usageError(`--url is not an http(s) URL: ${values.url}`);
    }
    const int = (name: string, value: string | undefined, fallback: number, min: number, max: number) => {
      if (value === undefined) return fallback;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
        throw usageError(`--${name} must be a whole number from ${min} to ${max}`);
      return Number(value);
    };
    if (values.count === undefined) throw usageError('missing --count N');
    const count = int('count', values.count, 0, 1, 10_000_000);
    let last = 0;
    const summary = await seedDirectory({
      url: values.url,
      token: values.token,
      count,
      start: int('start', values.start, 0, 0, 100_000_000),
      batchSize: int('batch', values.batch, 1000, 1, 1000),
      onProgress: values.json
        ? undefined
        : (done) => {
            if (done - last >= 50_000 || done === count) {
              last = done;
              io.stderr.write(`seeded ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}\n`);
            }
          },
    });
    if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    else
      io.stdout.write(
        `created ${summary.created}, updated ${summary.updated}, skipped ${summary.skipped}, failed ${summary.failed} in ${summary.seconds.toFixed(1)} s (${Math.round(count / summary.seconds)} users/s)\n`,
      );
    if (summary.failed) io.stderr.write(`first failure: ${summary.firstFailure}\n`);
    return summary.failed ? 1 : 0;
  },
};

export default seed;
