/**
 * Every import fixture, read through the real `userdeck inspect` and `userdeck convert … .json`
 * processes, gives exactly the facts of its expected.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUserdeck } from '../../tests/helpers/cli-process';

const fixtures = join(import.meta.dirname, '../../../shared/fixtures/imports');
const expected = JSON.parse(readFileSync(join(fixtures, 'expected.json'), 'utf8')) as Record<string, any>;
const out = mkdtempSync(join(tmpdir(), 'userdeck-convert-'));
// An empty data folder: no saved mapping preset of the machine's own may change what inspect reports.
const env = { USERDECK_DATA_DIR: join(out, 'data') };
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each(Object.entries(expected))('%s', (file, facts) => {
  it('inspect --json reports its format, encoding, delimiter, header, columns, rows, problems and duplicates', async () => {
    const run = await runUserdeck(['inspect', join(fixtures, file), '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.format).toBe(facts.format);
    expect(report.encoding).toBe(facts.encoding ?? null);
    expect(report.delimiter).toBe(facts.delimiter ?? null);
    expect(report.headerRow).toBe(facts.headerRow ?? null);
    expect(report.columns).toEqual(facts.columns);
    expect(report.dataRows).toBe(facts.dataRows);
    expect(report.duplicates).toEqual(facts.duplicates ?? []);
    const problems = report.problems.map((p: any) => ({ row: p.row, column: p.column, problem: p.problem }));
    const want = (facts.rowProblems ?? []).map((p: any) => ({ row: p.row, column: p.column, problem: p.problem }));
    const order = (a: any, b: any) => a.row - b.row || a.column.localeCompare(b.column);
    expect(problems.sort(order)).toEqual(want.sort(order));
  });

  it('convert to .json gives every spot-checked value exactly', async () => {
    const target = join(out, `${file}.json`);
    const run = await runUserdeck(['convert', join(fixtures, file), target]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const records = JSON.parse(readFileSync(target, 'utf8')) as Record<string, string>[];
    expect(records).toHaveLength(facts.dataRows);
    expect(Object.keys(records[0]!)).toEqual(facts.columns);
    for (const check of facts.spotChecks) expect(records[check.row]![check.column], check.note).toBe(check.value);
    for (const cell of facts.dateCells ?? []) expect(records[cell.row]![cell.column]).toBe(cell.date);
    for (const record of records) for (const value of Object.values(record)) expect(typeof value).toBe('string');
  });
});

describe('fixtures stay byte-exact', () => {
  it('reading never rewrites a fixture', () => {
    const before = readFileSync(join(fixtures, 'utf8-bom-crlf-multiline.csv'));
    expect(before.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(before.includes(Buffer.from('\r\n'))).toBe(true);
  });
});
