/**
 * export's --columns, --delimiter and --encoding against a real directory, read back byte by byte,
 * and its refusals (exit 2, one line).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUserdeckInProcess as userdeck } from '../../tests/helpers/cli-in-process';
import { adminToken, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const work = mkdtempSync(join(tmpdir(), 'userdeck-export-options-'));
const env = { USERDECK_DATA_DIR: join(work, 'cli-data') };
let dir: TestDirectory;

beforeAll(async () => {
  dir = await startTestDirectory('sqlite');
  const shirt = await dir.call('POST', '/api/v1/custom-fields', { key: 'shirt', label: 'Shirt', type: 'text' });
  expect(shirt.status, shirt.text).toBe(201);
  const path = join(work, 'people.csv');
  writeFileSync(
    path,
    'username,email,firstName,lastName,phone,cf.shirt\nexp.zoe,zoe@example.com,Zoë,Ångström,0201 555,M\nexp.eve,eve@example.com,Ève,"Dupont; fils",,=1+2\n',
  );
  const applied = await userdeck(['apply', path, '--url', dir.url, '--token', adminToken, '--json'], env);
  expect(JSON.parse(applied.stdout)).toMatchObject({ created: 2 });
});
afterAll(async () => {
  await dir?.close();
  rmSync(work, { recursive: true, force: true });
});

const exportTo = (name: string, ...extra: string[]) =>
  userdeck(
    ['export', '--url', dir.url, '--token', adminToken, '--filter', 'q=exp.', '--out', join(work, name), '--json', ...extra],
    env,
  );

describe('export options', () => {
  it('--columns chooses and orders the columns, custom fields included; --delimiter and --encoding shape the CSV', async () => {
    const run = await exportTo(
      'people-1252.csv',
      '--format',
      'csv',
      '--columns',
      'lastName, username,cf.shirt,phone',
      '--delimiter',
      ';',
      '--encoding',
      'windows-1252',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      out: join(work, 'people-1252.csv'),
      format: 'csv',
      rows: 2,
      columns: ['lastName', 'username', 'cf.shirt', 'phone'],
    });
    const bytes = readFileSync(join(work, 'people-1252.csv'));
    // No BOM in a legacy code page; Ö and è as single bytes; a formula-looking cell escaped.
    expect(bytes.subarray(0, 3)).not.toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.includes(Buffer.from([0xc5]))).toBe(true);
    const text = iconv.decode(bytes, 'windows-1252');
    expect(text.split(/\r?\n/).filter(Boolean)).toEqual([
      'lastName;username;cf.shirt;phone',
      '"Dupont; fils";exp.eve;\'=1+2;',
      'Ångström;exp.zoe;M;0201 555',
    ]);
  });

  it('the default CSV is UTF-8 with a BOM and commas; tab and UTF-16 on request; the file plans back unchanged', async () => {
    expect((await exportTo('people.csv', '--format', 'csv', '--columns', 'username,firstName')).code).toBe(0);
    const utf8 = readFileSync(join(work, 'people.csv'));
    expect(utf8.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(utf8.subarray(3).toString('utf8').split(/\r?\n/)[0]).toBe('username,firstName');

    const tab = await exportTo('people.tsv', '--format', 'csv', '--delimiter', 'tab', '--encoding', 'utf-16le');
    expect(tab.code, tab.stderr).toBe(0);
    const bytes = readFileSync(join(work, 'people.tsv'));
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    expect(iconv.decode(bytes.subarray(2), 'utf16le').split(/\r?\n/)[0]).toMatch(/^username\temail\t/);
    const plan = await userdeck(['plan', join(work, 'people.tsv'), '--url', dir.url, '--token', adminToken, '--json'], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ create: 0, update: 0, skip: 2, conflict: 0, error: 0 });
  });

  it('refuses an unknown column, delimiter or encoding with exit 2 and one line', async () => {
    for (const [extra, message] of [
      [['--columns', 'username,shoeSize'], /"shoeSize" is not an export column/],
      [['--delimiter', '::'], /--delimiter must be one character/],
      [['--encoding', 'ebcdic'], /--encoding must be one of/],
    ] as const) {
      const run = await exportTo('refused.csv', '--format', 'csv', ...extra);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
