/**
 * Apply as a resumable job: the plan's create and update rows go through `users/batch` in chunks,
 * each row with an idempotency key (`JOBID:row`), journaled before and after every batch. Every
 * row ends created, updated, skipped or failed with a reason, and the counts add up to the rows.
 */
import type { BatchRow, Capabilities } from '../../../common/api/admin';
import type { AdminClient } from '../api/admin';
import { openTable } from '../files/open';
import { throwIfAborted } from '../files/table';
import { createWriter, formatFromPath } from '../export/writers/index';
import { Journal, type Intent, type RowResult } from './journal';
import { buildWrite, createClassifier, decideRows, type PlanOptions } from './plan';
import type { PreparedFile } from './prepare';
import { reportColumns } from './mapping';
import { mappingSchema } from './presets';
import { FileError } from '../files/errors';

export interface ApplyOptions extends PlanOptions {
  dataDir: string;
  /** The server's URL, recorded in the journal so a resume goes to the same directory. */
  url: string;
  /** Resume this job instead of starting one. */
  resume?: string;
  /** Rows per `users/batch` request. */
  batchSize?: number;
  /** Called with the job id before any row is sent. */
  onJob?: (id: string) => void;
  /** Only rows whose `userdeck_status` (in a results report) is `failed`; the others are skipped. */
  onlyFailed?: boolean;
}

export interface ApplyResult {
  job: string;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  rows: number;
}

export async function applyImport(
  prepared: PreparedFile,
  path: string,
  api: AdminClient,
  capabilities: Capabilities,
  options: ApplyOptions,
): Promise<{ result: ApplyResult; results: Map<number, RowResult> }> {
  const schema = capabilities.fieldSchema;
  const journal = options.resume
    ? Journal.resume(options.dataDir, options.resume, path, options.url)
    : Journal.create(options.dataDir, path, options.url, {
        policy: options.policy ?? 'update',
        passwords: options.passwords ?? 'keep',
        blankClears: options.blankClears ?? false,
        mapping: prepared.mapping,
      });
  // A resumed job reads its rows as it started to, whatever presets were saved since.
  const recorded = options.resume ? mappingSchema.safeParse(journal.meta.options.mapping) : null;
  if (recorded?.success && JSON.stringify(recorded.data.columns.map((c) => c.column)) !== JSON.stringify(prepared.table.columns))
    throw new FileError('jobFileChanged', `${path} no longer has the columns job ${journal.meta.id} started with`);
  const file: PreparedFile = recorded?.success ? { ...prepared, mapping: recorded.data } : prepared;
  options.onJob?.(journal.meta.id);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 200, capabilities.limits.batchMax));
  const classifier = createClassifier(api, schema, capabilities.limits, options);
  const statusColumn = options.onlyFailed ? file.table.columns.indexOf('userdeck_status') : -1;
  let rows = 0;
  for await (const { scanned, decided } of decideRows(file, classifier, schema, { signal: options.signal, chunk: batchSize })) {
    throwIfAborted(options.signal);
    rows += scanned.length;
    const done: RowResult[] = [];
    const send: { intent: Intent; row: BatchRow }[] = [];
    decided.forEach((d, i) => {
      const s = scanned[i]!;
      if (journal.results.has(d.row)) return;
      const previous = journal.intents.get(d.row);
      if (previous) {
        // Sent before the interruption: send again exactly as then; the key makes it safe.
        const write = buildWrite(s, previous.action, schema, options);
        send.push({ intent: previous, row: batchRow(journal.key(d.row), previous, write) });
        return;
      }
      if (statusColumn >= 0 && s.record.cells[statusColumn] !== 'failed') {
        done.push({ row: d.row, status: 'skipped', reason: 'not a failed row of the report' });
        return;
      }
      if (d.action === 'create' || d.action === 'update') {
        const intent: Intent = { row: d.row, action: d.action, ...(d.userId ? { userId: d.userId } : {}) };
        send.push({ intent, row: batchRow(journal.key(d.row), intent, d.write!) });
      } else if (d.action === 'skip') done.push({ row: d.row, status: 'skipped', userId: d.userId, reason: d.reason });
      else done.push({ row: d.row, status: 'failed', userId: d.userId, reason: d.reason ?? d.action });
    });
    journal.record(done);
    if (send.length) {
      journal.intend(send.filter((s) => !journal.intents.has(s.intent.row)).map((s) => s.intent));
      const { results } = await api.batch(
        { rows: send.map((s) => s.row), keepExistingWhenEmpty: !(options.blankClears ?? false) },
        { signal: options.signal, retrySafe: true },
      );
      const byKey = new Map(results.map((r) => [r.key, r]));
      journal.record(
        send.map(({ intent }) => {
          const r = byKey.get(journal.key(intent.row));
          if (!r) return { row: intent.row, status: 'failed', reason: 'the directory gave no result for this row' };
          const out: RowResult = { row: intent.row, status: r.status };
          if (r.userId) out.userId = r.userId;
          if (r.reason) out.reason = r.reason.field ? `${r.reason.field}: ${r.reason.message}` : r.reason.message;
          return out;
        }),
      );
    }
    options.onProgress?.(rows);
  }
  const result: ApplyResult = { job: journal.meta.id, created: 0, updated: 0, skipped: 0, failed: 0, rows };
  for (let row = 0; row < rows; row++) {
    const r = journal.results.get(row);
    if (!r) {
      // Cannot happen unless the journal was edited: say so rather than lose the row.
      journal.record([{ row, status: 'failed', reason: 'no result recorded' }]);
      result.failed++;
    } else result[r.status]++;
  }
  journal.finish();
  return { result, results: journal.results };
}

function batchRow(key: string, intent: Intent, user: BatchRow['user']): BatchRow {
  const row: BatchRow = { key, action: intent.action, user };
  if (intent.userId) row.userId = intent.userId;
  return row;
}

/** The results report: the original columns plus status, reason and user id; CSV or XLSX by extension. */
export async function writeResultsReport(
  path: string,
  input: string,
  prepared: Pick<PreparedFile, 'table'>,
  results: Map<number, RowResult>,
): Promise<void> {
  const table = await openTable(input, {
    sheet: prepared.table.sheet,
    encoding: prepared.table.encoding ?? undefined,
    delimiter: prepared.table.delimiter ?? undefined,
    headerRow: prepared.table.headerRow ?? undefined,
  });
  const original = table.columns.filter((c) => !reportColumns.includes(c));
  const keep = original.map((c) => table.columns.indexOf(c));
  const writer = await createWriter(formatFromPath(path), path, [...original, ...reportColumns]);
  try {
    let row = 0;
    for await (const batch of table.batches()) {
      for (const record of batch) {
        const r = results.get(row++);
        await writer.write([...keep.map((i) => record.cells[i] ?? ''), r?.status ?? 'failed', r?.reason ?? '', r?.userId ?? '']);
      }
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
