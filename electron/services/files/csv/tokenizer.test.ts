import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, type CsvRow } from './tokenizer';

const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
const plainCell = fc.array(fc.constantFrom('a', 'b', 'é', ' ', '😀', '1'), { maxLength: 6 }).map((c) => c.join(''));
const quotedCell = fc
  .array(fc.constantFrom('a', ',', '"', '\n', '\r\n', '\r', ' ', 'ñ'), { maxLength: 8 })
  .map((c) => c.join(''));
const row = fc.array(
  fc.oneof(
    plainCell.map((value) => ({ value, text: value })),
    quotedCell.map((value) => ({ value, text: `"${value.replace(/"/g, '""')}"` })),
  ),
  { minLength: 1, maxLength: 5 },
);

/** Line breaks as the tokenizer counts them: CRLF, LF and CR once each. */
const breaks = (text: string) => (text.match(/\r\n|\n|\r/g) ?? []).length;

describe('CSV tokenizer', () => {
  it('gives back every cell and the physical line each row starts on, however the text is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(row, lineEnd), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, cuts) => {
          let text = '';
          let line = 0;
          const expected: CsvRow[] = [];
          rows.forEach(([cells, end], i) => {
            // A row of one empty cell is a blank line: still a row.
            expected.push({ cells: cells.map((c) => c.value), line });
            const rowText = cells.map((c) => c.text).join(',');
            // A bare CR before a line that starts with LF would be one CRLF.
            const next = rows[i + 1];
            const nextStartsWithLF = next !== undefined && next[0].map((c) => c.text).join(',') === '' && next[1] !== '\r';
            text += rowText + (end === '\r' && nextStartsWithLF ? '\r\n' : end);
            line += breaks(rowText) + 1;
          });
          const got: CsvRow[] = [];
          const tokenizer = new CsvTokenizer(',', (r) => got.push(r));
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          let at = 0;
          for (const point of [...points, text.length]) {
            if (point > at) tokenizer.push(text.slice(at, point));
            at = Math.max(at, point);
          }
          tokenizer.end();
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
