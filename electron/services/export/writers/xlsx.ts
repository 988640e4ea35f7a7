import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { encodeOoxmlText } from '../../files/xlsx/cells';
import { escapeFormula } from '../escape';
import type { TableWriter, WriterOptions } from './types';

/**
 * XLSX through exceljs's streaming writer: rows are committed as they come, so memory stays flat.
 * Every cell is a string (leading zeros and long codes survive); bold, frozen header.
 */
export async function xlsxWriter(path: string, columns: string[], options: WriterOptions = {}): Promise<TableWriter> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const escape = options.escapeFormulas ?? true;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(options.sheetName ?? 'Users', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((name) => ({ header: encodeOoxmlText(name), width: Math.min(40, Math.max(10, name.length + 2)) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let aborted = false;
  let pending = 0;
  return {
    async write(cells) {
      const row = sheet.addRow(columns.map((_, i) => encodeOoxmlText(escape ? escapeFormula(cells[i] ?? '') : (cells[i] ?? ''))));
      row.commit();
      // Committed rows wait in memory until zlib and the file stream get a turn of the event loop:
      // give them one now and then, or a million rows pile up (about 1 GB).
      if (++pending >= 1000) {
        pending = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    async close() {
      sheet.commit();
      await workbook.commit();
      await rename(tmp, path);
    },
    async abort() {
      if (aborted) return;
      aborted = true;
      await rm(tmp, { force: true });
    },
  };
}
