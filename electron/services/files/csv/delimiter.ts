import { CsvTokenizer } from './tokenizer';

export const candidateDelimiters = [',', ';', '\t', '|'] as const;

/** A `sep=;` first line (Excel's hint): the delimiter and the length of the line with its break. */
export function sepLine(text: string): { delimiter: string; length: number } | null {
  const match = /^sep=(.)(\r\n|\n|\r|$)/.exec(text);
  if (!match) return null;
  return { delimiter: match[1]!, length: match[0].length };
}

/**
 * Picks the delimiter that splits the sample's rows most consistently into more than one field:
 * for each candidate, the most common field count among the first rows and the share of rows that
 * have it (a delimiter that also appears inside values splits rows unevenly).
 * Title rows and `version:` lines above the header don't disturb the vote.
 */
export function detectDelimiter(sample: string, sampleIsWholeFile: boolean): string {
  let best: { delimiter: string; score: number; width: number } = { delimiter: ',', score: 0, width: 1 };
  for (const delimiter of candidateDelimiters) {
    const widths: number[] = [];
    const tokenizer = new CsvTokenizer(delimiter, (row) => {
      if (widths.length < 50 && !(row.cells.length === 1 && row.cells[0] === '')) widths.push(row.cells.length);
    });
    try {
      tokenizer.push(sample);
      if (sampleIsWholeFile) tokenizer.end();
    } catch {
      continue; // this delimiter does not make sense of the quoting
    }
    const counts = new Map<number, number>();
    for (const w of widths) if (w > 1) counts.set(w, (counts.get(w) ?? 0) + 1);
    for (const [width, count] of counts) {
      // Consistency first (the share of rows with that width), then how many rows, then how wide.
      const score = count / widths.length + count / 1e4 + width / 1e8;
      if (score > best.score) best = { delimiter, score, width };
    }
  }
  return best.delimiter;
}
