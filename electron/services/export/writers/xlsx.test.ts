import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../files/open';
import { xlsxWriter } from './xlsx';

const dir = mkdtempSync(join(tmpdir(), 'userdeck-xlsx-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readBack(path: string): Promise<{ columns: string[]; rows: string[][] }> {
  const table = await openTable(path);
  const rows: string[][] = [];
  for await (const batch of table.batches()) for (const record of batch) rows.push(record.cells);
  return { columns: table.columns, rows };
}

// Text XML cannot carry as is: markup, control characters, OOXML's own `_xHHHH_` escapes, the two
// non-characters, spaces at the ends, line breaks of every kind, other scripts.
const awkward = fc
  .array(
    fc.constantFrom(
      'a',
      'Z',
      '0',
      ' ',
      '&',
      '<',
      '>',
      '"',
      "'",
      '=',
      '-',
      '\t',
      '\n',
      '\r',
      '\u0001',
      '\u001f',
      '_x0041_',
      '_x',
      '\ufffe',
      '\uffff',
      'é',
      '日',
      '😀',
    ),
    { maxLength: 10 },
  )
  .map((c) => c.join(''));

describe('XLSX writer', () => {
  it('writes every cell so that it reads back exactly, whatever its characters', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(awkward, { minLength: 3, maxLength: 3 }), { maxLength: 20 }), async (rows) => {
        const path = join(dir, `random-${n++}.xlsx`);
        const columns = ['name', 'text <&>', 'a_x0041_b'];
        const writer = await xlsxWriter(path, columns, { escapeFormulas: false });
        // A row's first cell is never empty here: readers skip blank rows.
        const written = rows.map(([a, b, c]) => [`u${a}`, b!, c!]);
        for (const cells of written) await writer.write(cells);
        await writer.close();
        expect(await readBack(path)).toEqual({ columns, rows: written });
      }),
      { numRuns: 60 },
    );
  });

  it('escapes formula-looking cells, keeps leading zeros as text, and leaves empty cells empty', async () => {
    const path = join(dir, 'formulas.xlsx');
    const writer = await xlsxWriter(path, ['username', 'code', 'note']);
    await writer.write(['ana', '007', '=HYPERLINK("x")']);
    await writer.write(['bo', '', "'-1"]);
    await writer.close();
    expect((await readBack(path)).rows).toEqual([
      ['ana', '007', `'=HYPERLINK("x")`],
      ['bo', '', "''-1"],
    ]);
  });

  it('is a workbook another reader opens: sheet name, frozen bold header, column widths, values', async () => {
    const path = join(dir, 'exceljs.xlsx');
    const writer = await xlsxWriter(path, ['username', 'a much longer column name than forty characters wide'], {
      sheetName: 'People',
    });
    for (let i = 0; i < 2000; i++) await writer.write([`user${i}`, `Zoë ${i}`]);
    await writer.close();
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('People');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getColumn(1).width).toBe(10);
    expect(sheet.getColumn(2).width).toBe(40);
    expect(sheet.rowCount).toBe(2001);
    expect(sheet.getCell('B2001').value).toBe('Zoë 1999');
  });

  it('leaves nothing behind when aborted', async () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const path = join(sub, 'never.xlsx');
    const writer = await xlsxWriter(path, ['username']);
    for (let i = 0; i < 50_000; i++) await writer.write([`user${i}`]);
    await writer.abort();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  });
});
