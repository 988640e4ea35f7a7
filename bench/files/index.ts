/**
 * `npm run bench -- files [--scale S]`: the files engine against baselines measured in the same
 * run, each task in its own process (time and peak RSS are its own). Generates its own data.
 * - inspect+validate of a 1,000,000-row CSV vs bare papaparse (goal ≥ 0.5× its speed, < 400 MB), csv-parse beside;
 * - read of a 100,000-row XLSX vs the bare exceljs streaming reader;
 * - export of 1,000,000 users to CSV and XLSX vs papaparse.unparse / the bare exceljs writer (goal < 300 MB);
 * - plan of 100,000 rows against a 1,000,000-user directory vs its bare lookups.
 * `--scale 0.1` shrinks every size; `--only csv,xlsx,export,plan` runs some sections; `--runs N` (default 3) runs
 * each section's tasks N times, taking turns, and reports each task's median time and highest peak memory. The plan's directory takes
 * about ten minutes to seed at full size through the batch API: it is kept between runs in `--cache DIR` (default
 * <tmp>/userdeck-bench-cache) and reused once its seed has finished; `--fresh` seeds it again.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { table } from '../support/measure';
import { syntheticUser } from '../../server/seed/synthetic';
import { seedDirectory } from '../../cli/commands/seed';
import { startDirectoryProcess } from '../../tests/helpers/cli-process';
import { xlsxWriter } from '../../electron/services/export/writers/xlsx';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

interface Measure {
  ms: number;
  rows: number;
  peakMb: number;
}

async function task(name: string, ...args: string[]): Promise<Measure> {
  const { stdout } = await run(
    process.execPath,
    [join(root, 'bin/run-ts.js'), join(root, 'bench/files/worker.ts'), name, ...args],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measure;
}

async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('Username,Email,First name,Last name,Phone,Department,Employee ID,Notes\r\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const bad = i % 1000 === 7;
    chunk += `user${i},${bad ? 'broken.example.com' : `user${i}@example.com`},${['José', 'Zoë', 'Łukasz'][i % 3]},"Muñoz, ${i}",+34 600 ${String(i % 1000).padStart(3, '0')},Sales,${String(i).padStart(8, '0')},"line one\nline two"\r\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

async function writeXlsx(path: string, rows: number): Promise<void> {
  const writer = await xlsxWriter(path, ['Username', 'Email', 'First name', 'Last name', 'Phone', 'Department', 'Employee ID']);
  for (let i = 0; i < rows; i++)
    await writer.write([
      `user${i}`,
      `user${i}@example.com`,
      'Zoë',
      `Muñoz ${i}`,
      `0600${String(i).padStart(6, '0')}`,
      'Sales',
      String(i),
    ]);
  await writer.close();
}

/**
 * Runs the tasks `runs` times, taking turns (a baseline and its rival see the same moments of a
 * shared machine's load); each result is the median time and the highest peak memory.
 */
async function tasks<T extends [string, ...string[]][]>(runs: number, ...list: T): Promise<{ [K in keyof T]: Measure }> {
  const samples: Measure[][] = list.map(() => []);
  for (let r = 0; r < runs; r++) for (const [i, [name, ...args]] of list.entries()) samples[i]!.push(await task(name, ...args));
  return samples.map((s) => {
    const times = s.map((m) => m.ms).sort((a, b) => a - b);
    return { ms: times[Math.floor((times.length - 1) / 2)]!, rows: s[0]!.rows, peakMb: Math.max(...s.map((m) => m.peakMb)) };
  }) as { [K in keyof T]: Measure };
}

const rowsPerSecond = (m: Measure) => Math.round(m.rows / (m.ms / 1000));

export async function run_(args: string[]): Promise<void> {
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(args[scaleAt + 1]) : 1;
  const n = (count: number) => Math.max(1000, Math.round(count * scale));
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]!.split(',')) : null;
  const section = (name: string) => !only || only.has(name);
  const cacheAt = args.indexOf('--cache');
  const cache = cacheAt >= 0 ? args[cacheAt + 1]! : join(tmpdir(), 'userdeck-bench-cache');
  const fresh = args.includes('--fresh');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
  const dir = mkdtempSync(join(tmpdir(), 'userdeck-bench-files-'));
  try {
    // 1. CSV inspect + validate.
    if (section('csv')) await csvSection();
    if (section('xlsx')) await xlsxSection();
    if (section('export')) await exportSection();
    if (section('plan')) await planSection();
    console.log('\n"vs" columns: baseline time / task time (above 1 is faster than the baseline).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  async function csvSection() {
    const csv = join(dir, 'users.csv');
    await writeCsv(csv, n(1_000_000));
    const mb = (statSync(csv).size / 1024 / 1024).toFixed(0);
    const [papa, csvParse, inspect] = await tasks(runs, ['papaparse', csv], ['csv-parse', csv], ['inspect', csv]);
    console.log(
      `\n### CSV: ${n(1_000_000).toLocaleString('en-US')} rows, ${mb} MB (goal: inspect+validate ≥ 0.5× papaparse, < 400 MB)`,
    );
    console.log(
      table(
        ['task', 'rows', 'seconds', 'rows/s', 'vs papaparse', 'peak MB'],
        [
          ['bare papaparse parse (baseline)', papa.rows, papa.ms / 1000, rowsPerSecond(papa), 1, papa.peakMb],
          [
            'bare csv-parse parse',
            csvParse.rows,
            csvParse.ms / 1000,
            rowsPerSecond(csvParse),
            papa.ms / csvParse.ms,
            csvParse.peakMb,
          ],
          [
            'userdeck inspect + validate',
            inspect.rows,
            inspect.ms / 1000,
            rowsPerSecond(inspect),
            papa.ms / inspect.ms,
            inspect.peakMb,
          ],
        ],
      ),
    );
  }

  async function xlsxSection() {
    const xlsx = join(dir, 'users.xlsx');
    await writeXlsx(xlsx, n(100_000));
    const [exceljs, ours] = await tasks(runs, ['exceljs-read', xlsx], ['xlsx-read', xlsx]);
    console.log(`\n### XLSX read: ${n(100_000).toLocaleString('en-US')} rows`);
    console.log(
      table(
        ['task', 'rows', 'seconds', 'rows/s', 'vs exceljs', 'peak MB'],
        [
          [
            'bare exceljs streaming reader (baseline)',
            exceljs.rows - 1,
            exceljs.ms / 1000,
            rowsPerSecond(exceljs),
            1,
            exceljs.peakMb,
          ],
          ['userdeck XLSX reader', ours.rows, ours.ms / 1000, rowsPerSecond(ours), exceljs.ms / ours.ms, ours.peakMb],
        ],
      ),
    );
  }

  async function exportSection() {
    const count = String(n(1_000_000));
    const [unparse, exportCsv] = await tasks(
      runs,
      ['unparse-csv', count, join(dir, 'base.csv')],
      ['export-csv', count, join(dir, 'export.csv')],
    );
    const [excelWrite, exportXlsx] = await tasks(
      runs,
      ['exceljs-write', count, join(dir, 'base.xlsx')],
      ['export-xlsx', count, join(dir, 'export.xlsx')],
    );
    console.log(`\n### Export: ${Number(count).toLocaleString('en-US')} users (goal < 300 MB)`);
    console.log(
      table(
        ['task', 'rows', 'seconds', 'rows/s', 'vs baseline', 'peak MB'],
        [
          ['papaparse.unparse to CSV (baseline)', unparse.rows, unparse.ms / 1000, rowsPerSecond(unparse), 1, unparse.peakMb],
          [
            'userdeck export CSV',
            exportCsv.rows,
            exportCsv.ms / 1000,
            rowsPerSecond(exportCsv),
            unparse.ms / exportCsv.ms,
            exportCsv.peakMb,
          ],
          [
            'bare exceljs streaming writer (baseline)',
            excelWrite.rows,
            excelWrite.ms / 1000,
            rowsPerSecond(excelWrite),
            1,
            excelWrite.peakMb,
          ],
          [
            'userdeck export XLSX',
            exportXlsx.rows,
            exportXlsx.ms / 1000,
            rowsPerSecond(exportXlsx),
            excelWrite.ms / exportXlsx.ms,
            exportXlsx.peakMb,
          ],
        ],
      ),
    );
  }

  async function planSection() {
    const token = 'bench-files-token-0123456789abcdef';
    const users = n(1_000_000);
    // A directory whose seed finished has a marker; anything else (a run cut short) is seeded again.
    const dataDir = join(cache, `files-plan-${users}`);
    const marker = join(dataDir, 'bench-seeded.json');
    let seeded: { users: number; seconds: number } | null = null;
    if (!fresh && existsSync(marker)) seeded = JSON.parse(readFileSync(marker, 'utf8')) as { users: number; seconds: number };
    if (!seeded) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    let directory: Awaited<ReturnType<typeof startDirectoryProcess>>;
    try {
      directory = await startDirectoryProcess(dataDir, token);
    } catch (error) {
      if (!seeded) throw error;
      // A directory kept from an older server version that no longer opens: seed a new one.
      seeded = null;
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      directory = await startDirectoryProcess(dataDir, token);
    }
    try {
      let seedSeconds: number;
      if (seeded) seedSeconds = seeded.seconds;
      else {
        const seedStart = performance.now();
        await seedDirectory({ url: directory.url, token, count: users, batchSize: 1000 });
        seedSeconds = (performance.now() - seedStart) / 1000;
        writeFileSync(marker, JSON.stringify({ users, seconds: seedSeconds }));
      }
      const planRows = Math.min(n(100_000), users);
      const lines = ['username,email,first name,last name'];
      for (let i = 0; i < planRows; i++) {
        // Half the rows are existing users (spread over the directory), half are new.
        if (i % 2 === 0) {
          const u = syntheticUser(Math.floor((i / planRows) * users));
          lines.push(`${u.username},${u.email},${u.firstName},${u.lastName}`);
        } else lines.push(`new${i},new${i}@example.net,New,Person ${i}`);
      }
      const planFile = join(dir, 'plan.csv');
      writeFileSync(planFile, `${lines.join('\n')}\n`);
      const [lookups, plan] = await tasks(
        runs,
        ['lookups', planFile, directory.url, token],
        ['plan', planFile, directory.url, token],
      );
      console.log(
        `\n### Plan: ${planRows.toLocaleString('en-US')} rows against ${users.toLocaleString('en-US')} users (seeded through the batch API in ${seedSeconds.toFixed(0)} s${seeded ? ', kept from an earlier run' : ''})`,
      );
      console.log(
        table(
          ['task', 'rows', 'seconds', 'rows/s', 'vs lookups', 'peak MB'],
          [
            ['bare users/lookup calls (baseline)', lookups.rows, lookups.ms / 1000, rowsPerSecond(lookups), 1, lookups.peakMb],
            ['userdeck plan', plan.rows, plan.ms / 1000, rowsPerSecond(plan), lookups.ms / plan.ms, plan.peakMb],
          ],
        ),
      );
    } finally {
      directory.child.kill('SIGKILL');
    }
  }
}

export { run_ as run };
