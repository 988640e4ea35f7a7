/**
 * `npm run bench -- server [--sizes 10000,1000000] [--pg-sizes 10000,1000000] [--no-postgres] [--no-sqlite]
 * [--runs 30] [--cache DIR] [--fresh] [--only TEXT]`: seeds the directory server at each size through the
 * real batch API, in SQLite and (when its binaries are there) PostgreSQL, then times each list-query
 * shape over HTTP. The smallest size is the baseline: the goal is that every shape's p95 at the
 * largest size stays within 3× of it.
 *
 * Seeding a million users takes tens of minutes, so seeded directories are kept in `--cache` (default
 * <tmp>/userdeck-bench-cache) keyed by size and by the synthetic data's version, with the seed's
 * throughput and peak memory as measured then; `--fresh` seeds again. A kept directory is migrated
 * forward by the server as any directory would be, and seeded again when it no longer opens.
 * All sizes of a backend are served at once and each round asks every shape of every size in
 * turn, so the load of the shared machine falls alike on the sizes being compared.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedDirectory } from '../../cli/commands/seed';
import { startServer, type RunningServer } from '../../server/index';
import { syntheticUser } from '../../server/seed/synthetic';
import { postgresBinaries, startPostgres, type PostgresCluster } from '../../tests/helpers/postgres';
import { stats, table, withPeakMemory, type Stats } from '../support/measure';

const token = 'bench-bootstrap-token-0123456789';

interface Shape {
  name: string;
  /** Builds the request path once the data is there (a deep cursor needs a lookup first). */
  prepare(url: string, size: number): Promise<string>;
}

async function get(url: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
  return { status: res.status, body };
}

const person = syntheticUser(12345);
const shapes: Shape[] = [
  { name: 'first page (by name)', prepare: async () => '/api/v1/users?pageSize=30' },
  { name: 'status + tag filter', prepare: async () => '/api/v1/users?status=active&tags=vip&pageSize=30' },
  {
    name: 'text search (a name)',
    prepare: async () => `/api/v1/users?q=${encodeURIComponent(`${person.firstName} ${person.lastName}`)}&pageSize=30`,
  },
  { name: 'text search (2 letters)', prepare: async () => `/api/v1/users?q=ma&pageSize=30` },
  { name: 'sort by last login', prepare: async () => '/api/v1/users?sort=lastLoginAt&order=desc&pageSize=30' },
  {
    name: 'deep page (cursor, middle)',
    prepare: async (url, size) => {
      // One offset read finds the cursor of the middle page; following it is what the UI does.
      const page = Math.max(1, Math.floor(size / 2 / 30));
      const res = await get(url, `/api/v1/users?pageSize=30&page=${page}`);
      return `/api/v1/users?pageSize=30&cursor=${String(res.body.nextCursor)}`;
    },
  },
  {
    name: 'SCIM userName eq (IdP sync)',
    prepare: async () => `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${person.username}"`)}`,
  },
];

/** What a finished seed left next to the data: a directory without it is seeded again. */
interface SeedMark {
  size: number;
  seconds: number;
  peakMb: number;
  at: string;
}

interface Seeded {
  size: number;
  server: RunningServer;
  mark: SeedMark;
  cached: boolean;
}

/** The synthetic data's version: a kept directory seeded from other data is not reused. */
const seedVersion = createHash('sha256')
  .update(readFileSync(new URL('../../server/seed/synthetic.ts', import.meta.url)))
  .digest('hex')
  .slice(0, 10);

async function seed(server: RunningServer, backend: string, size: number): Promise<SeedMark> {
  process.stdout.write(`seeding ${size.toLocaleString('en-US')} users in ${backend}…`);
  let last = 0;
  const { result: summary, peakMb } = await withPeakMemory(() =>
    seedDirectory({
      url: server.url,
      token,
      count: size,
      onProgress: (done) => {
        if (done - last >= 100_000) {
          last = done;
          process.stdout.write(` ${Math.round(done / 1000)}k`);
        }
      },
    }),
  );
  if (summary.failed) throw new Error(`seeding failed: ${summary.firstFailure}`);
  const rate = size / summary.seconds;
  console.log(` done in ${summary.seconds.toFixed(1)} s (${Math.round(rate)} users/s, peak ${Math.round(peakMb)} MB)`);
  return { size, seconds: summary.seconds, peakMb, at: new Date().toISOString() };
}

function readMark(file: string, size: number): SeedMark | null {
  if (!existsSync(file)) return null;
  const mark = JSON.parse(readFileSync(file, 'utf8')) as SeedMark;
  return mark.size === size ? mark : null;
}

async function sqliteDirectory(cache: string, size: number, fresh: boolean): Promise<Seeded> {
  const dataDir = join(cache, `server-sqlite-${size}-${seedVersion}`);
  const markFile = join(dataDir, 'bench-seeded.json');
  let mark = fresh ? null : readMark(markFile, size);
  if (!mark) rmSync(dataDir, { recursive: true, force: true });
  let server: RunningServer;
  try {
    server = await startServer({ dataDir, bootstrapToken: token });
  } catch (error) {
    if (!mark) throw error;
    // Kept by a server version whose migrations this one does not know: seed a new one.
    console.log(`the kept ${size}-user SQLite directory does not open (${(error as Error).message}): seeding again`);
    rmSync(dataDir, { recursive: true, force: true });
    mark = null;
    server = await startServer({ dataDir, bootstrapToken: token });
  }
  const cached = mark !== null;
  if (cached) console.log(`reusing the ${size.toLocaleString('en-US')}-user SQLite directory ${dataDir}`);
  else {
    mark = await seed(server, 'sqlite', size);
    writeFileSync(markFile, JSON.stringify(mark));
  }
  return { size, server, mark: mark!, cached };
}

async function postgresDirectory(cluster: PostgresCluster, cache: string, size: number, fresh: boolean): Promise<Seeded> {
  const name = `bench_${size}_${seedVersion}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  let mark: SeedMark | null = null;
  try {
    const found = await admin.query<{ mark: string | null }>(
      `select shobj_description(oid, 'pg_database') as mark from pg_database where datname = $1`,
      [name],
    );
    const text = found.rows[0]?.mark;
    mark = !fresh && text ? (JSON.parse(text) as SeedMark) : null;
    if (!mark) {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.query(`create database "${name}"`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  const server = await startServer({
    dataDir: join(cache, `server-postgres-files-${size}`),
    databaseUrl: url.toString(),
    bootstrapToken: token,
  });
  const cached = mark !== null;
  if (cached) console.log(`reusing the ${size.toLocaleString('en-US')}-user PostgreSQL database ${name}`);
  else {
    mark = await seed(server, 'postgres', size);
    // What autovacuum does a while after a load, done at once: fresh statistics and a visibility
    // map (index-only scans), so the first measured round meets the steady state.
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query('vacuum (analyze)');
      await client.query(`comment on database "${name}" is '${JSON.stringify(mark).replace(/'/g, "''")}'`);
    } finally {
      await client.end();
    }
  }
  return { size, server, mark: mark!, cached };
}

/** Each round asks every shape of every size once (after `warmup` unmeasured rounds). */
async function measureAll(
  seeded: Seeded[],
  runs: number,
  warmup: number,
  only: Shape[],
): Promise<Map<number, Map<string, Stats>>> {
  const paths = new Map<string, string>();
  for (const s of seeded)
    for (const shape of only) paths.set(`${s.size}:${shape.name}`, await shape.prepare(s.server.url, s.size));
  const samples = new Map<string, number[]>();
  for (let round = 0; round < warmup + runs; round++)
    for (const shape of only)
      for (const s of seeded) {
        const key = `${s.size}:${shape.name}`;
        const start = performance.now();
        await get(s.server.url, paths.get(key)!);
        const ms = performance.now() - start;
        if (round >= warmup) samples.set(key, [...(samples.get(key) ?? []), ms]);
      }
  const out = new Map<number, Map<string, Stats>>();
  for (const s of seeded)
    out.set(s.size, new Map(only.map((shape) => [shape.name, stats(samples.get(`${s.size}:${shape.name}`)!)])));
  return out;
}

function report(backend: string, seeded: Seeded[], results: Map<number, Map<string, Stats>>, runs: number, only: Shape[]) {
  const base = seeded[0]!;
  const top = seeded[seeded.length - 1]!;
  const n = (size: number) => size.toLocaleString('en-US');
  console.log(
    `\n### ${backend}: list queries over HTTP (ms; ${runs} rounds, sizes interleaved; baseline ${n(base.size)} users)\n`,
  );
  const headers = ['shape', ...seeded.flatMap((s) => [`p50 @${n(s.size)}`, `p95 @${n(s.size)}`]), 'p95 ratio', 'goal ≤ 3×'];
  const rows = only.map((shape) => {
    const at = (s: Seeded) => results.get(s.size)!.get(shape.name)!;
    const ratio = at(top).p95 / Math.max(at(base).p95, 0.001);
    return [
      shape.name,
      ...seeded.flatMap((s) => [at(s).p50, at(s).p95]),
      `${ratio.toFixed(2)}×`,
      seeded.length > 1 ? (ratio <= 3 ? 'met' : 'MISSED') : '-',
    ];
  });
  console.log(table(headers, rows));
  console.log(`\n### ${backend}: seeding through POST /api/v1/users/batch\n`);
  const baseRate = base.size / base.mark.seconds;
  console.log(
    table(
      ['users', 'users/s', 'ratio to baseline', 'peak RSS (MB)', 'seeded'],
      seeded.map((s) => {
        const rate = s.size / s.mark.seconds;
        return [
          s.size,
          Math.round(rate),
          `${(rate / baseRate).toFixed(2)}×`,
          Math.round(s.mark.peakMb),
          s.cached ? `kept, ${s.mark.at.slice(0, 10)}` : 'this run',
        ];
      }),
    ),
  );
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      'pg-sizes': { type: 'string' },
      'no-postgres': { type: 'boolean' },
      'no-sqlite': { type: 'boolean' },
      runs: { type: 'string' },
      cache: { type: 'string' },
      fresh: { type: 'boolean' },
      only: { type: 'string' },
    },
    strict: true,
  });
  const list = (text: string, flag: string) => {
    const out = text
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
    if (out.some((n) => !Number.isInteger(n) || n < 100)) throw new Error(`--${flag} takes whole numbers of at least 100`);
    return out;
  };
  const sizes = list(values.sizes ?? '10000,1000000', 'sizes');
  const pgSizes = list(values['pg-sizes'] ?? values.sizes ?? '10000,1000000', 'pg-sizes');
  const runs = Number(values.runs ?? 30);
  const cache = values.cache ?? join(tmpdir(), 'userdeck-bench-cache');
  const fresh = !!values.fresh;
  const only = shapes.filter((s) => !values.only || s.name.includes(values.only));
  mkdirSync(cache, { recursive: true });
  const backends: ('sqlite' | 'postgres')[] = values['no-sqlite'] ? [] : ['sqlite'];
  if (!values['no-postgres']) {
    const bins = postgresBinaries();
    if (bins.dir) backends.push('postgres');
    else console.log(`PostgreSQL skipped: ${bins.reason}`);
  }
  for (const backend of backends) {
    let cluster: PostgresCluster | null = null;
    const seeded: Seeded[] = [];
    try {
      if (backend === 'postgres') cluster = await startPostgres({ root: join(cache, 'server-postgres') });
      for (const size of backend === 'postgres' ? pgSizes : sizes)
        seeded.push(
          backend === 'postgres'
            ? await postgresDirectory(cluster!, cache, size, fresh)
            : await sqliteDirectory(cache, size, fresh),
        );
      const results = await measureAll(seeded, runs, 3, only);
      report(backend, seeded, results, runs, only);
    } finally {
      for (const s of seeded) await s.server.close();
      await cluster?.stop();
    }
  }
}
