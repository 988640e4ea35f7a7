/**
 * Streaming validation of a file against the shared rules of common/ and the connection's field
 * schema: per cell (row, column, code, message) and duplicates inside the file (username or email,
 * case-insensitively). Works offline: with no schema, custom fields are not checked against one.
 */
import type { FileNotice, Mapping, RowProblem } from '../../../common/files/types';
import { defaultFieldSchema, type FieldSchema } from '../../../common/users/fields';
import { compileUserValidator, isBlankFast, type UserValidator } from '../../../common/users/compiled-validation';
import type { TableRecord, TableSource } from '../files/table';
import { KeyTable } from './key-table';
import { problemText } from './messages';
import { compileReader, type ReadUser } from './record';

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

/** Checks the records of one file: `(index, record, user, mode)` → its problems, each naming its column. */
export type RowChecker = (index: number, record: TableRecord, user: ReadUser, mode: 'create' | 'update') => RowProblem[];

/** A row checker with the schema's rules compiled once (see common/users/compiled-validation.ts). */
export function createRowChecker(schema: FieldSchema | null): RowChecker {
  const effective = schema ?? defaultFieldSchema;
  let create: UserValidator | null = null;
  let update: UserValidator | null = null;
  return (index, record, user, mode) => {
    const problems: RowProblem[] = [];
    for (const p of user.problems)
      problems.push({ row: index, line: record.line, column: user.columns[p.field] ?? null, field: p.field, code: p.code, problem: detach(p.message) });
    const validate = mode === 'create' ? (create ??= compileUserValidator(effective, { mode })) : (update ??= compileUserValidator(effective, { mode }));
    // The fields and custom fields are what validationRecord(user) would merge; passwordHash is no field of the rules.
    const found = validate(user.fields, user.customFields);
    for (let i = 0; i < found.length; i++) {
      const p = found[i]!;
      if (!schema && p.code === 'unknownField') continue; // offline: no schema to know custom fields
      if (p.field === 'password' && user.keepPassword) continue;
      // A user created from an imported hash needs no password.
      problems.push({
        row: index,
        line: record.line,
        column: user.columns[p.field] ?? null,
        field: p.field,
        code: p.code,
        problem: detach(problemText(p.field, p.code, p.params)),
      });
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
  };
}

/** Problems of one record, each naming its column. */
export function rowProblems(index: number, record: TableRecord, user: ReadUser, schema: FieldSchema | null, mode: 'create' | 'update'): RowProblem[] {
  return createRowChecker(schema)(index, record, user, mode);
}

/** Streams every record with its user and problems; the base of validate, inspect and plan. */
export async function* scanRows(table: TableSource, mapping: Mapping, options: ScanOptions): AsyncGenerator<ScannedRow[]> {
  let index = 0;
  const read = compileReader(mapping, options.schema);
  const check = createRowChecker(options.schema);
  const mode = options.mode ?? 'create';
  for await (const batch of table.batches(options.signal)) {
    const out: ScannedRow[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      const user = read(record.cells);
      out[i] = { index, record, user, problems: check(index, record, user, mode) };
      index++;
    }
    options.onProgress?.(index);
    yield out;
  }
}

const isKey = (value: unknown): value is string => typeof value === 'string' && !isBlankFast(value);

/** Finds rows sharing a username or email, case-insensitively, in a compact hash table. */
export class DuplicateFinder {
  private readonly usernames = new KeyTable();
  private readonly emails = new KeyTable();
  /** Rows came in increasing order (as scans add them): each is in at most one group per table. */
  private increasing = true;
  private last = -Infinity;

  add(index: number, username: unknown, email: unknown): void {
    if (index <= this.last) this.increasing = false;
    this.last = index;
    if (isKey(username)) this.usernames.addLowerCase(username, index);
    if (isKey(email)) this.emails.addLowerCase(email, index);
  }

  /** The earlier rows sharing a value with this one (while adding in order). */
  earlier(username: unknown, email: unknown, index: number): number[] {
    const out = new Set<number>();
    if (isKey(username)) for (const i of this.usernames.rowsOfLowerCase(username)) if (i < index) out.add(i);
    if (isKey(email)) for (const i of this.emails.rowsOfLowerCase(email)) if (i < index) out.add(i);
    return [...out].sort((a, b) => a - b);
  }

  /**
   * Every pair [i, j], i < j, at most `limit` (the first found, username groups first, then email
   * groups, then sorted); `total` counts each pair once even when two rows share both values.
   */
  pairs(limit = 10_000): { pairs: [number, number][]; total: number } {
    if (!this.increasing) return this.pairsByText(limit);
    // Row → its username group, to tell an email pair that is also a username pair.
    const group = new Map<number, number>();
    let g = 0;
    for (const entry of this.usernames.shared.values()) {
      for (const row of entry) group.set(row, g);
      g++;
    }
    const pairs: [number, number][] = [];
    let total = 0;
    for (const entry of this.usernames.shared.values()) {
      for (let a = 0; a < entry.length; a++)
        for (let b = a + 1; b < entry.length; b++) {
          total++;
          if (pairs.length < limit) pairs.push([entry[a]!, entry[b]!]);
        }
    }
    for (const entry of this.emails.shared.values()) {
      for (let a = 0; a < entry.length; a++) {
        const ga = group.get(entry[a]!);
        for (let b = a + 1; b < entry.length; b++) {
          if (ga !== undefined && group.get(entry[b]!) === ga) continue; // already a username pair
          total++;
          if (pairs.length < limit) pairs.push([entry[a]!, entry[b]!]);
        }
      }
    }
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return { pairs, total };
  }

  private pairsByText(limit: number): { pairs: [number, number][]; total: number } {
    const set = new Set<string>();
    const pairs: [number, number][] = [];
    let total = 0;
    for (const table of [this.usernames, this.emails]) {
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
