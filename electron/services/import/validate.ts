/**
 * Streaming validation of a file against the shared rules of common/ and the connection's field
 * schema: per cell (row, column, code, message) and duplicates inside the file (username or email,
 * case-insensitively). Works offline: with no schema, custom fields are not checked against one.
 */
import type { FileNotice, Mapping, RowProblem } from '../../../common/files/types';
import { defaultFieldSchema, type FieldSchema } from '../../../common/users/fields';
import { isBlank, validateUser } from '../../../common/users/validation';
import type { TableRecord, TableSource } from '../files/table';
import { KeyTable } from './key-table';
import { problemText } from './messages';
import { readUser, validationRecord, type ReadUser } from './record';

export interface ScannedRow {
  /** 0-based data record. */
  index: number;
  record: TableRecord;
  user: ReadUser;
  problems: RowProblem[];
}

export interface ScanOptions {
  schema: FieldSchema | null;
  mode?: 'create' | 'update';
  signal?: AbortSignal;
  onProgress?: (rows: number) => void;
}

/**
 * A copy of a text that does not keep the file chunk it was cut from alive: cells are slices of
 * 1 MB text chunks, so one kept problem message per chunk would otherwise keep the whole file.
 */
const detach = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** Problems of one record, each naming its column. */
export function rowProblems(index: number, record: TableRecord, user: ReadUser, schema: FieldSchema | null, mode: 'create' | 'update'): RowProblem[] {
  const problems: RowProblem[] = [];
  const column = (field: string) => user.columns[field] ?? null;
  const add = (field: string, code: string, problem: string) =>
    problems.push({ row: index, line: record.line, column: column(field), field, code, problem: detach(problem) });
  for (const p of user.problems) add(p.field, p.code, p.message);
  const effective = schema ?? defaultFieldSchema;
  for (const p of validateUser(validationRecord(user), effective, { mode })) {
    if (!schema && p.code === 'unknownField') continue; // offline: no schema to know custom fields
    if (p.field === 'password' && user.keepPassword) continue;
    // A user created from an imported hash needs no password.
    add(p.field, p.code, problemText(p.field, p.code, p.params));
  }
  if (record.extra?.length)
    problems.push({
      row: index,
      line: record.line,
      column: null,
      field: null,
      code: 'extraCells',
      problem: detach(`${record.extra.length} filled cell(s) beyond the last column: ${record.extra.slice(0, 3).join(', ')}`),
    });
  return problems;
}

/** Streams every record with its user and problems; the base of validate, inspect and plan. */
export async function* scanRows(table: TableSource, mapping: Mapping, options: ScanOptions): AsyncGenerator<ScannedRow[]> {
  let index = 0;
  for await (const batch of table.batches(options.signal)) {
    const out: ScannedRow[] = [];
    for (const record of batch) {
      const user = readUser(record.cells, mapping, options.schema);
      out.push({ index, record, user, problems: rowProblems(index, record, user, options.schema, options.mode ?? 'create') });
      index++;
    }
    options.onProgress?.(index);
    yield out;
  }
}

/** Finds rows sharing a username or email, case-insensitively, in a compact hash table. */
export class DuplicateFinder {
  private readonly tables = [new KeyTable(), new KeyTable()];

  add(index: number, username: unknown, email: unknown): void {
    [username, email].forEach((value, which) => {
      if (typeof value !== 'string' || isBlank(value)) return;
      this.tables[which]!.add(value.toLowerCase(), index);
    });
  }

  /** The earlier rows sharing a value with this one (while adding in order). */
  earlier(username: unknown, email: unknown, index: number): number[] {
    const out = new Set<number>();
    [username, email].forEach((value, which) => {
      if (typeof value !== 'string' || isBlank(value)) return;
      for (const i of this.tables[which]!.rowsOf(value.toLowerCase())) if (i < index) out.add(i);
    });
    return [...out].sort((a, b) => a - b);
  }

  /** Every pair [i, j], i < j, at most `limit`. */
  pairs(limit = 10_000): { pairs: [number, number][]; total: number } {
    const set = new Set<string>();
    const pairs: [number, number][] = [];
    let total = 0;
    for (const table of this.tables) {
      for (const entry of table.shared.values()) {
        for (let a = 0; a < entry.length; a++)
          for (let b = a + 1; b < entry.length; b++) {
            const key = `${entry[a]},${entry[b]}`;
            if (set.has(key)) continue;
            set.add(key);
            total++;
            if (pairs.length < limit) pairs.push([entry[a]!, entry[b]!]);
          }
      }
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return { pairs, total };
  }
}

export interface ValidationReport {
  dataRows: number;
  problems: RowProblem[];
  /** All problems, including those beyond `problems`' cap. */
  problemCount: number;
  duplicates: [number, number][];
  notices: FileNotice[];
}

export async function validateTable(table: TableSource, mapping: Mapping, options: ScanOptions & { maxProblems?: number }): Promise<ValidationReport> {
  const maxProblems = options.maxProblems ?? 10_000;
  const problems: RowProblem[] = [];
  let problemCount = 0;
  let dataRows = 0;
  const duplicates = new DuplicateFinder();
  const notices: FileNotice[] = [];
  for await (const rows of scanRows(table, mapping, options)) {
    for (const row of rows) {
      dataRows++;
      duplicates.add(row.index, row.user.fields.username, row.user.fields.email);
      problemCount += row.problems.length;
      for (const p of row.problems) if (problems.length < maxProblems) problems.push(p);
    }
  }
  if (problemCount > problems.length)
    notices.push({ code: 'problemsTruncated', message: `${problemCount.toLocaleString('en-US')} problems; the first ${problems.length.toLocaleString('en-US')} are listed` });
  const { pairs, total } = duplicates.pairs();
  if (total > pairs.length) notices.push({ code: 'duplicatesTruncated', message: `${total.toLocaleString('en-US')} duplicate pairs; the first ${pairs.length.toLocaleString('en-US')} are listed` });
  return { dataRows, problems, problemCount, duplicates: pairs, notices };
}
