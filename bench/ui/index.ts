/**
 * `npm run bench -- ui [--sizes 10000,1000000] [--runs 15] [--keep]`: the users view as an
 * administrator meets it, end to end: Chromium → browser bridge → services → a Userdeck directory
 * seeded with N synthetic users. For each size it times
 *   - first rows: opening the users view until its first page is drawn,
 *   - filter change: a new filter (status + tag) until the new rows are drawn,
 *   - page change: "next" (keyset cursor) until the next page is drawn,
 *   - search: a person's name as the list's search (the debounce left out) until the matches are drawn,
 * and reports the p50/p95 at each size and the ratio of the largest size to the smallest (the goal:
 * a million users feel like ten thousand), with the peak memory of the page (JS heap) and of the
 * bridge process (peak RSS). `--keep` keeps each seeded directory in the temp folder for the next run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { seedDirectory } from '../../cli/commands/seed';
import { syntheticUser } from '../../server/seed/synthetic';
import { projectRoot, startBridgeProcess, type BridgeProcess } from '../../tests/helpers/bridge-process';
import { chromiumPath } from '../../tests/helpers/chromium';
import { stats, table, type Stats } from '../support/measure';

const token = 'bench-ui-bootstrap-token-0123456789';
const metrics = ['first rows', 'filter change', 'page change', 'search (a name)'] as const;
/** Someone who exists at every size (the seed is deterministic). */
const person = syntheticUser(4321);
type Metric = (typeof metrics)[number];

interface Directory {
  url: string;
  stop(): Promise<void>;
}

/** `userdeck serve` as its own process (as the Local directory or a real server would run). */
async function serve(dataDir: string): Promise<Directory> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/userdeck.js', 'serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: projectRoot,
      env: { ...process.env, USERDECK_BOOTSTRAP_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Userdeck directory listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the directory exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A directory of `size` users: seeded once, reused with --keep. */
async function directoryOf(size: number, keep: boolean): Promise<{ directory: Directory; cleanup(): void }> {
  const dataDir = join(tmpdir(), `userdeck-bench-ui-${size}`);
  const marker = join(dataDir, 'seeded.json');
  const seeded = keep && existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).size === size;
  if (!seeded) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  }
  const directory = await serve(dataDir);
  if (!seeded) {
    process.stdout.write(`seeding ${size.toLocaleString('en-US')} users…`);
    const summary = await seedDirectory({ url: directory.url, token, count: size });
    if (summary.failed) throw new Error(`seeding failed: ${summary.firstFailure}`);
    console.log(` ${summary.seconds.toFixed(1)} s`);
    writeFileSync(marker, JSON.stringify({ size }));
  } else console.log(`reusing the ${size.toLocaleString('en-US')}-user directory in ${dataDir}`);
  return { directory, cleanup: () => !keep && rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * Runs `act` in the page and resolves once the users table has been busy and is idle again with its
 * rows drawn (the next animation frame after the answer): the time an administrator waits.
 */
async function timeUntilRows(page: Page, act: { hash: string } | { click: string }): Promise<number> {
  // Sent as text: the bench runs through tsx, whose helpers would not exist in the page.
  const action =
    'hash' in act
      ? `location.hash = ${JSON.stringify(act.hash)};`
      : `document.querySelector('[data-testid="${act.click}"]').click();`;
  return page.evaluate(`(async () => {
    const start = performance.now();
    ${action}
    await new Promise((resolve, reject) => {
      let seenBusy = false;
      const deadline = start + 60000;
      const check = () => {
        const busy = document.querySelector('[data-testid="users-table"]')?.getAttribute('aria-busy');
        if (busy === 'true') seenBusy = true;
        if (seenBusy && busy === 'false' && document.querySelector('[data-testid="user-row"]')) return resolve();
        if (performance.now() > deadline) return reject(new Error('the rows never came'));
        requestAnimationFrame(check);
      };
      check();
    });
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    return performance.now() - start;
  })()`) as Promise<number>;
}

async function jsHeapMb(page: Page): Promise<number> {
  const session = await page.context().newCDPSession(page);
  // What the page keeps, not garbage waiting for collection.
  await session.send('HeapProfiler.collectGarbage');
  await session.send('Performance.enable');
  const { metrics: list } = await session.send('Performance.getMetrics');
  await session.detach();
  return (list.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024;
}

/** The bridge process's peak resident memory, from the kernel (Linux). */
function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface Result {
  size: number;
  stats: Map<Metric, Stats>;
  heapMb: number;
  bridgeMb: number;
}

async function measure(size: number, runs: number, keep: boolean): Promise<Result> {
  const { directory, cleanup } = await directoryOf(size, keep);
  let bridge: BridgeProcess | undefined;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    bridge = await startBridgeProcess();
    await bridge.invoke('connections/dismissWelcome');
    const created = await bridge.invoke<{ id: string }>('connections/create', {
      name: `Bench ${size}`,
      color: '#1E88E5',
      baseUrl: directory.url,
      auth: { method: 'token' },
      secret: token,
      proxy: { mode: 'none' },
    });
    if (!created.ok) throw new Error(`cannot add the connection: ${JSON.stringify(created.error)}`);
    const active = await bridge.invoke<{ status: string }>('connections/activate', { id: created.value.id });
    if (!active.ok || active.value.status !== 'online')
      throw new Error(`the connection is not online: ${JSON.stringify(active)}`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(bridge.url);
    await page.getByTestId('nav-drawer').waitFor();
    const samples: Record<Metric, number[]> = { 'first rows': [], 'filter change': [], 'page change': [], 'search (a name)': [] };
    const search = `#/users?q=${encodeURIComponent(`${person.firstName} ${person.lastName}`)}`;
    let heap = 0;
    // One warm-up round (code loading, caches), then the measured ones.
    for (let round = -1; round < runs; round++) {
      await page.evaluate(() => (location.hash = '#/dashboard'));
      await page.getByTestId('view-title').filter({ hasText: 'Dashboard' }).waitFor();
      const first = await timeUntilRows(page, { hash: '#/users' });
      const filter = await timeUntilRows(page, { hash: '#/users?status=active&tags=vip' });
      const next = await timeUntilRows(page, { click: 'page-next' });
      const found = await timeUntilRows(page, { hash: search });
      heap = Math.max(heap, await jsHeapMb(page));
      if (round < 0) continue;
      samples['first rows'].push(first);
      samples['filter change'].push(filter);
      samples['page change'].push(next);
      samples['search (a name)'].push(found);
    }
    return {
      size,
      stats: new Map(metrics.map((m) => [m, stats(samples[m])])),
      heapMb: heap,
      bridgeMb: peakRssMb(bridge.pid),
    };
  } finally {
    await browser.close();
    await bridge?.stop();
    await directory.stop();
    cleanup();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { sizes: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'boolean' } },
    strict: true,
  });
  const sizes = (values.sizes ?? '10000,1000000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error('--sizes takes whole numbers of at least 100');
  const runs = Number(values.runs ?? 15);
  if (!existsSync(join(projectRoot, 'out', 'renderer', 'index.html')))
    throw new Error('build the renderer first: npx electron-vite build');

  const results: Result[] = [];
  for (const size of sizes) results.push(await measure(size, runs, !!values.keep));
  const base = results[0]!;
  const top = results[results.length - 1]!;
  const n = (size: number) => size.toLocaleString('en-US');
  console.log(`\n### users view in Chromium through the bridge (ms; ${runs} runs each; baseline ${n(base.size)} users)\n`);
  console.log(
    table(
      [
        'measure',
        ...results.flatMap((r) => [`p50 @${n(r.size)}`, `p95 @${n(r.size)}`]),
        `p50 ratio ${n(top.size)}/${n(base.size)}`,
        `p95 ratio`,
      ],
      metrics.map((m) => [
        m,
        ...results.flatMap((r) => [r.stats.get(m)!.p50, r.stats.get(m)!.p95]),
        `${(top.stats.get(m)!.p50 / base.stats.get(m)!.p50).toFixed(2)}×`,
        `${(top.stats.get(m)!.p95 / base.stats.get(m)!.p95).toFixed(2)}×`,
      ]),
    ),
  );
  console.log(`\n### peak memory (MB)\n`);
  console.log(
    table(
      ['size', 'page JS heap', 'bridge process (peak RSS)'],
      results.map((r) => [n(r.size), r.heapMb, r.bridgeMb]),
    ),
  );
}
