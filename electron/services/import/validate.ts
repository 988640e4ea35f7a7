/**
 * Streaming validation of a file against the shared rules of common/ and the connection's field
 * schema: per cell (row, column, code, message) and duplicates inside the file (username or email,
 * case-insensitively). Works offline: with no schema, custom fields are not checked against one.
 */
import type { FileNotice, Mapping, RowProblem } from '../../../common/files/types';
import { defaultFieldSchema, type FieldSchema } from '../../../common/users/fields';
import { compileUserValidator, isBlankFast, type UserValidator } from '../../../common/users/compiled-validation';
import type { TableRecord, TableSource } from '../files/table';
import { hashLowerCase, KeyLog, KeyTable, lastHash } from './key-table';
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
 * 64 KB text chunks, so one kept problem message per chunk would otherwise keep the whole file.
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
      problems.push({
        row: index,
        line: record.line,
        column: user.columns[p.field] ?? null,
        field: p.field,
        code: p.code,
        problem: detach(p.message),
      });
    const validate =
      mode === 'create'
        ? (create ??= compileUserValidator(effective, { mode }))
        : (update ??= compileUserValidator(effective, { mode }));
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
export function rowProblems(
  index: number,
  record: TableRecord,
  user: ReadUser,
  schema: FieldSchema | null,
  mode: 'create' | 'update',
): RowProblem[] {
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

/**
 * Finds rows sharing a username or email, case-insensitively, in compact hash logs: scans only
 * append to them; `earlier` (the plan, as rows come) indexes what it needs in hash tables.
 */
export class DuplicateFinder {
  /** Usernames, emails. */
  private readonly logs = [new KeyLog(), new KeyLog()] as const;
  private readonly tables = [new KeyTable(), new KeyTable()] as const;
  /** How many entries of each log are in its table. */
  private readonly indexed = [0, 0];

  add(index: number, username: unknown, email: unknown): void {
    if (isKey(username)) {
      hashLowerCase(username);
      this.logs[0].add(lastHash[0]!, lastHash[1]!, index);
    }
    if (isKey(email)) {
      hashLowerCase(email);
      this.logs[1].add(lastHash[0]!, lastHash[1]!, index);
    }
  }

  /** The earlier rows sharing a value with this one (while adding in order). */
  earlier(username: unknown, email: unknown, index: number): number[] {
    const out = new Set<number>();
    [username, email].forEach((value, which) => {
      if (!isKey(value)) return;
      const log = this.logs[which]!;
      const table = this.tables[which]!;
      for (let i = this.indexed[which]!; i < log.length; i++) table.add(...log.entry(i));
      this.indexed[which] = log.length;
      hashLowerCase(value);
      for (const row of table.rowsOf(lastHash[0]!, lastHash[1]!)) if (row < index) out.add(row);
    });
    return [...out].sort((a, b) => a - b);
  }

  /**
   * The first `limit` pairs [i, j], i < j, of rows sharing a username or an email, in order; `total`
   * counts every pair once, also when two rows share both.
   */
  pairs(limit = 10_000): { pairs: [number, number][]; total: number } {
    const groups = [this.logs[0].groups(), this.logs[1].groups()] as const;
    // For the rows in some group (usually few): their place in each table's group list, and each
    // place's group (the rows after a place in its group pair with it).
    const placeOf = groups.map((g) => {
      const places = new Map<number, number>();
      for (let at = 0; at < g.rows.length; at++) places.set(g.rows[at]!, at);
      return places;
    });
    const groupAt = groups.map((g) => {
      const of = new Int32Array(g.rows.length);
      for (let k = 0; k < g.count; k++) of.fill(k, g.start[k]!, g.start[k + 1]!);
      return of;
    });
    const pairsIn = (n: number) => (n * (n - 1)) / 2;
    let total = 0;
    const [names, emails] = groups;
    for (let k = 0; k < names.count; k++) total += pairsIn(names.start[k + 1]! - names.start[k]!);
    for (let k = 0; k < emails.count; k++) {
      const members = emails.rows.subarray(emails.start[k]!, emails.start[k + 1]!);
      total += pairsIn(members.length);
      // Pairs that also share a username were counted already.
      const nameGroups = Int32Array.from(members, (row) => {
        const at = placeOf[0]!.get(row);
        return at === undefined ? -1 : groupAt[0]![at]!;
      }).sort();
      for (let i = 0; i < nameGroups.length;) {
        let j = i + 1;
        while (j < nameGroups.length && nameGroups[j] === nameGroups[i]) j++;
        if (nameGroups[i] !== -1) total -= pairsIn(j - i);
        i = j;
      }
    }
    const pairs: [number, number][] = [];
    const grouped = Int32Array.from(new Set([...names.rows, ...emails.rows])).sort();
    for (let r = 0; r < grouped.length && pairs.length < limit; r++) {
      const i = grouped[r]!;
      const n = placeOf[0]!.get(i);
      const e = placeOf[1]!.get(i);
      // Merge the later rows of both groups, each pair once.
      let a = n === undefined ? 0 : n + 1;
      const aEnd = n === undefined ? 0 : names.start[groupAt[0]![n]! + 1]!;
      let b = e === undefined ? 0 : e + 1;
      const bEnd = e === undefined ? 0 : emails.start[groupAt[1]![e]! + 1]!;
      while ((a < aEnd || b < bEnd) && pairs.length < limit) {
        const x = a < aEnd ? names.rows[a]! : Infinity;
        const y = b < bEnd ? emails.rows[b]! : Infinity;
        const j = Math.min(x, y);
        if (x === j) a++;
        if (y === j) b++;
        pairs.push([i, j]);
      }
    }
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

export async function validateTable(
  table: TableSource,
  mapping: Mapping,
  options: ScanOptions & { maxProblems?: number },
): Promise<ValidationReport> {
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
    notices.push({
      code: 'problemsTruncated',
      message: `${problemCount.toLocaleString('en-US')} problems; the first ${problems.length.toLocaleString('en-US')} are listed`,
    });
  const { pairs, total } = duplicates.pairs();
  if (total > pairs.length)
    notices.push({
      code: 'duplicatesTruncated',
      message: `${total.toLocaleString('en-US')} duplicate pairs; the first ${pairs.length.toLocaleString('en-US')} are listed`,
    });
  return { dataRows, problems, problemCount, duplicates: pairs, notices };
}
