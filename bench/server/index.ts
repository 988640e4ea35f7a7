/**
 * `npm run bench -- server [--sizes 10000,1000000] [--pg-sizes 10000,100000] [--no-postgres] [--runs 30]`:
 * seeds the directory server at each size through the real batch API, in SQLite and (when its
 * binaries are there) PostgreSQL, then times each list-query shape over HTTP. The smallest size is
 * the baseline: the goal is that every shape's p95 at the largest size stays within 3× of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDirectory } from '../../cli/commands/seed';
import { startServer } from '../../server/index';
import { syntheticUser } from '../../server/seed/synthetic';
import { createDatabase, postgresBinaries, startPostgres, type PostgresCluster } from '../../tests/helpers/postgres';
import { sample, table, withPeakMemory, type Stats } from '../support/measure';

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

interface Result {
  backend: string;
  size: number;
  seedRate: number;
  seedPeakMb: number;
  stats: Map<string, Stats>;
}

async function measure(
  backend: 'sqlite' | 'postgres',
  size: number,
  runs: number,
  cluster: PostgresCluster | null,
): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-bench-'));
  const db = backend === 'postgres' ? await createDatabase(cluster!.url, 'bench') : null;
  const server = await startServer({ dataDir, databaseUrl: db?.url, bootstrapToken: token });
  try {
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
    const rate = size / summary.seconds;
    console.log(` done in ${summary.seconds.toFixed(1)} s (${Math.round(rate)} users/s, peak ${Math.round(peakMb)} MB)`);
    if (summary.failed) throw new Error(`seeding failed: ${summary.firstFailure}`);
    const stats = new Map<string, Stats>();
    for (const shape of shapes) {
      const path = await shape.prepare(server.url, size);
      stats.set(shape.name, await sample(() => get(server.url, path), runs, 3));
    }
    return { backend, size, seedRate: rate, seedPeakMb: peakMb, stats };
  } finally {
    await server.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string' },
      'pg-sizes': { type: 'string' },
      'no-postgres': { type: 'boolean' },
      runs: { type: 'string' },
    },
    strict: true,
  });
  const list = (text: string, flag: string) => {
    const out = text.split(',').map(Number);
    if (out.some((n) => !Number.isInteger(n) || n < 100)) throw new Error(`--${flag} takes whole numbers of at least 100`);
    return out;
  };
  const sizes = list(values.sizes ?? '10000,1000000', 'sizes');
  // PostgreSQL seeds slower over one connection: its default sizes keep the whole run reasonable.
  const pgSizes = list(values['pg-sizes'] ?? '10000,100000', 'pg-sizes');
  const runs = Number(values.runs ?? 30);
  const backends: ('sqlite' | 'postgres')[] = ['sqlite'];
  let cluster: PostgresCluster | null = null;
  if (!values['no-postgres']) {
    const bins = postgresBinaries();
    if (bins.dir) {
      cluster = await startPostgres();
      backends.push('postgres');
    } else console.log(`PostgreSQL skipped: ${bins.reason}`);
  }
  try {
    for (const backend of backends) {
      const results: Result[] = [];
      for (const size of backend === 'postgres' ? pgSizes : sizes) results.push(await measure(backend, size, runs, cluster));
      const base = results[0]!;
      const top = results[results.length - 1]!;
      console.log(
        `\n### ${backend}: list queries over HTTP (ms; ${runs} runs each; baseline ${base.size.toLocaleString('en-US')} users)\n`,
      );
      const headers = [
        'shape',
        ...results.flatMap((r) => [`p50 @${r.size.toLocaleString('en-US')}`, `p95 @${r.size.toLocaleString('en-US')}`]),
        'p95 ratio',
        'goal ≤ 3×',
      ];
      const rows = shapes.map((shape) => {
        const ratio = top.stats.get(shape.name)!.p95 / Math.max(base.stats.get(shape.name)!.p95, 0.001);
        return [
          shape.name,
          ...results.flatMap((r) => [r.stats.get(shape.name)!.p50, r.stats.get(shape.name)!.p95]),
          `${ratio.toFixed(2)}×`,
          results.length > 1 ? (ratio <= 3 ? 'met' : 'MISSED') : '-',
        ];
      });
      console.log(table(headers, rows));
      console.log(`\n### ${backend}: seeding through POST /api/v1/users/batch\n`);
      console.log(
        table(
          ['users', 'users/s', 'ratio to baseline', 'peak RSS (MB)'],
          results.map((r) => [
            r.size,
            Math.round(r.seedRate),
            `${(r.seedRate / base.seedRate).toFixed(2)}×`,
            Math.round(r.seedPeakMb),
          ]),
        ),
      );
    }
  } finally {
    await cluster?.stop();
  }
}
