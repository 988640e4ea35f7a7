/**
 * Throw-away PostgreSQL clusters for tests: `startPostgres()` runs initdb and a postmaster on a free
 * port in a temporary folder (as the `postgres` user when we are root: initdb refuses root), and
 * `createDatabase()` gives each test file or server its own database. Never uses a running server.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresCluster {
  /** Connection URL of the cluster's `postgres` database, as superuser. */
  url: string;
  stop(): Promise<void>;
}

/** The folder holding initdb and pg_ctl, or null with the reason they cannot be used. */
export function postgresBinaries(): { dir: string; reason?: undefined } | { dir: null; reason: string } {
  const candidates = [process.env.USERDECK_PG_BIN, '/usr/lib/postgresql'].filter((d): d is string => !!d);
  for (const base of candidates) {
    if (existsSync(join(base, 'initdb'))) return { dir: base };
    if (!existsSync(base)) continue;
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return { dir: join(base, versions[0], 'bin') };
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return { dir: join(which.stdout.trim(), '..') };
  return { dir: null, reason: 'PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql' };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `root`: a folder kept between runs (the benchmarks' seeded clusters): initdb runs only when it
 * holds no cluster yet, and `stop()` leaves it in place. Without it, a temporary folder is removed.
 */
export async function startPostgres(options: { root?: string } = {}): Promise<PostgresCluster> {
  const bins = postgresBinaries();
  if (!bins.dir) throw new Error(bins.reason);
  const kept = options.root !== undefined;
  if (kept) mkdirSync(options.root!, { recursive: true });
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'userdeck-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = async (cmd: string, args: string[]) => {
    const file = join(bins.dir!, cmd);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(root, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(root, 'data');
  const port = await freePort();
  if (!existsSync(join(data, 'PG_VERSION'))) {
    rmSync(data, { recursive: true, force: true });
    await as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    writeFileSync(join(root, 'README'), 'throw-away test cluster of Userdeck\n');
  }
  await as('pg_ctl', [
    '-D',
    data,
    '-l',
    join(root, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      // A kept cluster stops cleanly (no recovery at the next start); a throw-away one at once.
      await as('pg_ctl', ['-D', data, '-m', kept ? 'fast' : 'immediate', '-w', 'stop']).catch(() => undefined);
      if (!kept) rmSync(root, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A fresh database on the cluster; `drop()` removes it (closing its connections first). */
export async function createDatabase(clusterUrl: string, prefix = 't'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: clusterUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
