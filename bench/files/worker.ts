/**
 * One measured task of the files benchmark, in its own process so its peak memory is its own:
 * `node bin/run-ts.js bench/files/worker.ts TASK ARGS…` prints `{ms, rows, peakMb}`.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { parse as csvParse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { User } from '../../common/users/user';
import { createApiClient } from '../../electron/services/api/index';
import { openTable } from '../../electron/services/files/open';
import { exportUsers } from '../../electron/services/export/users';
import { defaultExportColumns, userCells } from '../../electron/services/export/columns';
import { inspectFile } from '../../electron/services/import/inspect';
import { planImport } from '../../electron/services/import/plan';
import { prepareFile } from '../../electron/services/import/prepare';

export function benchUser(i: number): User {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    firstName: ['José', 'Zoë', 'Łukasz', 'Ana'][i % 4]!,
    lastName: ['Muñoz', 'Ångström', 'Nguyễn', '=Eve'][i % 4]!,
    maternalSurname: null,
    displayName: `Person ${i}, "the ${i % 7}th"`,
    officialCode: String(i).padStart(8, '0'),
    phone: `+34 600 ${String(i % 1000).padStart(3, '0')} ${String(i % 997).padStart(3, '0')}`,
    language: 'es',
    languageLocked: false,
    avatarUrl: null,
    external: false,
    source: 'manual',
    active: true,
    inactiveReason: null,
    statusNote: null,
    emailVerified: true,
    enrollment: 'accepted',
    invitationResends: 0,
    expiresAt: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    lastLoginAt: null,
    loginCount: 3,
    deletedAt: null,
    anonymizedAt: null,
    roles: ['end_user'],
    groups: [{ id: 'g', name: `Group ${i % 50}` }],
    tags: ['bench'],
    badges: [],
    license: null,
    customFields: {},
    version: 1,
  };
}

async function* syntheticPages(count: number): AsyncGenerator<User[]> {
  for (let i = 0; i < count; i += 1000) yield Array.from({ length: Math.min(1000, count - i) }, (_, k) => benchUser(i + k));
}

const tasks: Record<string, (args: string[]) => Promise<number>> = {
  async papaparse([file]) {
    let rows = 0;
    await new Promise<void>((resolve, reject) =>
      Papa.parse(createReadStream(file!, 'utf8') as unknown as File, {
        chunk: (results: Papa.ParseResult<unknown>) => void (rows += results.data.length),
        complete: () => resolve(),
        error: reject,
      }),
    );
    return rows;
  },
  async 'csv-parse'([file]) {
    let rows = 0;
    for await (const _ of createReadStream(file!).pipe(csvParse({ relax_column_count: true }))) rows++;
    return rows;
  },
  async inspect([file]) {
    const report = await inspectFile(file!, { schema: null });
    return report.dataRows;
  },
  async 'exceljs-read'([file]) {
    let rows = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file!, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' });
    for await (const sheet of reader) {
      for await (const _ of sheet) rows++;
      break;
    }
    return rows;
  },
  async 'xlsx-read'([file]) {
    let rows = 0;
    const table = await openTable(file!);
    for await (const batch of table.batches()) rows += batch.length;
    return rows;
  },
  async 'export-csv'([count, out]) {
    return (await exportUsers(syntheticPages(Number(count)), out!, { format: 'csv', schema: null })).rows;
  },
  async 'export-xlsx'([count, out]) {
    return (await exportUsers(syntheticPages(Number(count)), out!, { format: 'xlsx', schema: null })).rows;
  },
  /** Baseline: papaparse.unparse of the same cells, 1,000 rows at a time, to a file stream. */
  async 'unparse-csv'([count, out]) {
    const columns = defaultExportColumns(null);
    const stream = createWriteStream(out!);
    let rows = 0;
    for await (const users of syntheticPages(Number(count))) {
      const text = Papa.unparse(
        { fields: rows === 0 ? columns : [], data: users.map((u) => userCells(u, columns)) },
        { header: rows === 0 },
      );
      if (!stream.write(`${text}\r\n`)) await new Promise<void>((r) => stream.once('drain', () => r()));
      rows += users.length;
    }
    await new Promise<void>((r) => stream.end(() => r()));
    return rows;
  },
  /** Baseline: the bare exceljs streaming writer with the same cells. */
  async 'exceljs-write'([count, out]) {
    const columns = defaultExportColumns(null);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out!, useSharedStrings: false, useStyles: false });
    const sheet = workbook.addWorksheet('Users');
    sheet.addRow(columns).commit();
    let rows = 0;
    for await (const users of syntheticPages(Number(count))) {
      for (const u of users) sheet.addRow(userCells(u, columns)).commit();
      rows += users.length;
    }
    sheet.commit();
    await workbook.commit();
    return rows;
  },
  async plan([file, url, token]) {
    const api = createApiClient({ baseUrl: url!, credentials: { method: 'token', token: token! } });
    const capabilities = await api.admin.capabilities();
    const prepared = await prepareFile(file!, { schema: capabilities.fieldSchema });
    const summary = await planImport(prepared, api.admin, capabilities);
    api.dispose();
    return summary.rows.length;
  },
  /** Baseline: only the lookups a plan needs, 1,000 names and emails a call, without reading or classifying. */
  async lookups([file, url, token]) {
    const api = createApiClient({ baseUrl: url!, credentials: { method: 'token', token: token! } });
    const lines = readFileSync(file!, 'utf8').trim().split('\n').slice(1);
    for (let i = 0; i < lines.length; i += 1000) {
      const rows = lines.slice(i, i + 1000).map((l) => l.split(','));
      await api.admin.lookup({ usernames: rows.map((r) => r[0]!), emails: rows.map((r) => r[1]!) });
    }
    api.dispose();
    return lines.length;
  },
};

const [task, ...args] = process.argv.slice(2);
const run = tasks[task ?? ''];
if (!run) {
  console.error(`unknown task ${task}`);
  process.exit(2);
}
const start = performance.now();
const rows = await run(args);
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, rows, peakMb: process.resourceUsage().maxRSS / 1024 })}\n`);
