/**
 * Turns a stream of raw rows (CSV lines, sheet rows) into a table: reads ahead enough rows to find
 * the header, then streams the data records aligned to it.
 */
import { FileError, tooManyColumns, maxColumns } from './errors';
import { detectHeader, isBlankRow, type ProbeRow } from './header';
import { alignCells, throwIfAborted, type TableRecord } from './table';

const probeRows = 50;

export interface RowsTable {
  headerRow: number;
  columns: string[];
  batches(signal?: AbortSignal): AsyncIterable<TableRecord[]>;
}

export async function rowsTable(
  source: AsyncIterator<ProbeRow[]>,
  options: { headerRow?: number; isKnownHeader?: (cell: string) => boolean },
): Promise<RowsTable> {
  const ahead: ProbeRow[] = [];
  let done = false;
  const enough = () =>
    options.headerRow !== undefined
      ? ahead.some((r) => r.line >= options.headerRow!)
      : ahead.filter((r) => !isBlankRow(r.cells)).length >= probeRows;
  while (!done && !enough()) {
    const next = await source.next();
    if (next.done) done = true;
    else ahead.push(...next.value);
  }
  let index: number;
  if (options.headerRow !== undefined) {
    index = ahead.findIndex((r) => r.line === options.headerRow);
    if (index === -1) throw new FileError('noHeader', `there is no row ${options.headerRow} to use as the header`);
  } else {
    index = detectHeader(ahead, options.isKnownHeader);
    if (index === -1) throw new FileError('empty', 'the file has no data: it is empty or every row is blank');
  }
  const header = ahead[index]!;
  let width = header.cells.length;
  // Trailing empty header cells (spreadsheet padding) are not columns.
  while (width > 0 && header.cells[width - 1] === '') width--;
  if (width > maxColumns) throw tooManyColumns(width, 'the header');
  const columns = header.cells.slice(0, width);
  const rest = ahead.slice(index + 1);
  let used = false;
  return {
    headerRow: header.line,
    columns,
    async *batches(signal) {
      if (used) throw new Error('a table streams its records once');
      used = true;
      const convert = (rows: ProbeRow[]): TableRecord[] => {
        const out: TableRecord[] = [];
        for (const row of rows) {
          const cells = row.cells;
          if (!(cells.length > 0 && cells[0] !== '') && isBlankRow(cells)) continue;
          // The reader's fresh row object ({cells, line}) becomes the record: one object less a row.
          const record: TableRecord = row;
          if (cells.length !== width) {
            record.cells = alignCells(cells, width);
            if (cells.length > width) {
              const extra = cells.slice(width).filter((c) => c !== '');
              if (extra.length) record.extra = extra;
            }
          }
          out.push(record);
        }
        return out;
      };
      if (rest.length) yield convert(rest);
      while (!done) {
        throwIfAborted(signal);
        const next = await source.next();
        if (next.done) break;
        const batch = convert(next.value);
        if (batch.length) yield batch;
      }
    },
  };
}
