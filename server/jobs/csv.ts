import { Readable } from 'node:stream';

/**
 * One CSV cell: quoted when needed, and a cell beginning with `= + - @`, a tab or a CR gets a
 * leading apostrophe so that spreadsheets do not run it as a formula (OWASP CSV injection).
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : Array.isArray(value) ? value.join('|') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A CSV file streamed from pages of rows, so a large result never sits in memory whole. */
export function csvStream(header: string[], pages: () => AsyncGenerator<unknown[][]>): Readable {
  return Readable.from(
    (async function* () {
      yield `\ufeff${csvLine(header)}`;
      for await (const rows of pages()) yield rows.map(csvLine).join('');
    })(),
  );
}
