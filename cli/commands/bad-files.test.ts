/**
 * Bad files get one clear line on stderr and exit 2: never a crash, a hang or a stack trace.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runUserdeck } from '../../tests/helpers/cli-process';

const fixtures = join(import.meta.dirname, '../../../shared/fixtures/imports');
const dir = mkdtempSync(join(tmpdir(), 'userdeck-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Patches every central-directory record of `name` in a zip: its declared uncompressed size. */
function patchZipSize(zip: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zip);
  for (let i = 0; i < out.length - 46; i++) {
    if (out.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLength = out.readUInt16LE(i + 28);
    if (out.subarray(i + 46, i + 46 + nameLength).toString() === name) out.writeUInt32LE(size, i + 24);
  }
  return out;
}

const xlsx = readFileSync(join(fixtures, 'users-small.xlsx'));

const cases: [string, () => string, RegExp][] = [
  ['binary data', () => file('random.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), /binary data/],
  ['an empty file', () => file('empty.csv', ''), /empty/],
  ['a truncated XLSX', () => file('truncated.xlsx', xlsx.subarray(0, Math.floor(xlsx.length / 2))), /damaged|not an XLSX/],
  ['a corrupt XLSX entry', () => file('corrupt.xlsx', patchZipSize(xlsx, 'xl/worksheets/sheet1.xml', 100)), /damaged/],
  [
    'an XLSX unpacking to an absurd size',
    () => file('bomb.xlsx', patchZipSize(xlsx, 'xl/worksheets/sheet1.xml', 0xf0000000)),
    /zip bomb/,
  ],
  [
    'XML with an external entity (XXE)',
    () =>
      file(
        'xxe.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE Contacts [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Contacts><Contact><Email>&x;</Email></Contact></Contacts>\n',
      ),
    /DOCTYPE/,
  ],
  [
    'XML with entity expansion (billion laughs)',
    () =>
      file(
        'laughs.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<Contacts><Contact><Email>&c;</Email></Contact></Contacts>\n',
      ),
    /DOCTYPE/,
  ],
  [
    'XML with an undefined entity',
    () => file('entity.xml', '<Contacts><Contact><Email>&nope;</Email></Contact></Contacts>'),
    /not well-formed/,
  ],
  [
    'an unterminated quote',
    () => file('quote.csv', 'username,email\nann,ann@example.com\n"bob,bob@example.com\ncid,cid@example.com\n'),
    /line 3: .*unterminated quote/,
  ],
  [
    '10,000 columns',
    () => file('wide.csv', `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n${'x,'.repeat(9999)}x\n`),
    /10,000 columns/,
  ],
  [
    'a header with no recognisable field',
    () => file('nofield.csv', 'alpha,beta,gamma\n1,2,3\n4,5,6\n'),
    /no column of the header is a username or email/,
  ],
  [
    'legacy .xls',
    () => file('old.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)])),
    /\.xls/,
  ],
  [
    'truncated JSON',
    () => file('cut.json', '[{"email":"a@example.com","user_id":"1"},{"email":"b@exa'),
    /truncated|not well-formed/,
  ],
];

describe('bad files', () => {
  it.each(cases)('inspect refuses %s with one line and exit 2', async (_name, make, message) => {
    const run = await runUserdeck(['inspect', make(), '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it('convert leaves no half-written output when the input is bad', async () => {
    const out = join(dir, 'out.json');
    const run = await runUserdeck([
      'convert',
      file('late-quote.csv', `username,email\n${'a,a@example.com\n'.repeat(5000)}"never closed\n`),
      out,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/line 5002/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('bad arguments exit 2 with one line', async () => {
    for (const args of [
      ['inspect'],
      ['convert', join(fixtures, 'moodle-users.csv'), join(dir, 'x.pdf')],
      ['inspect', join(fixtures, 'moodle-users.csv'), '--encoding', 'ebcdic'],
    ]) {
      const run = await runUserdeck(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
