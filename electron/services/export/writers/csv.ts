import { bomBytes, encodeText } from '../../files/encoding';
import { escapeFormula } from '../escape';
import { AtomicFile } from './atomic';
import type { TableWriter, WriterOptions } from './types';

export function csvLine(cells: string[], delimiter: string, escape: boolean): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    let value = cells[i] ?? '';
    if (escape) value = escapeFormula(value);
    if (value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r'))
      value = `"${value.replace(/"/g, '""')}"`;
    line += i === 0 ? value : delimiter + value;
  }
  return `${line}\r\n`;
}

export async function csvWriter(path: string, columns: string[], options: WriterOptions = {}): Promise<TableWriter> {
  const delimiter = options.delimiter ?? ',';
  const encoding = options.encoding ?? 'utf-8-bom';
  const escape = options.escapeFormulas ?? true;
  const file = await AtomicFile.create(path);
  let buffer = '';
  const flush = async () => {
    if (buffer) await file.write(encodeText(buffer, encoding));
    buffer = '';
  };
  try {
    await file.write(bomBytes(encoding));
    buffer = csvLine(columns, delimiter, escape);
  } catch (error) {
    await file.abort();
    throw error;
  }
  return {
    async write(cells) {
      buffer += csvLine(cells, delimiter, escape);
      if (buffer.length > 1 << 16) await flush();
    },
    async close() {
      await flush();
      await file.commit();
    },
    abort: () => file.abort(),
  };
}
