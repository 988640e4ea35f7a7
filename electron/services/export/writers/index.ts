import { extname } from 'node:path';
import { FileError } from '../../files/errors';
import { csvWriter } from './csv';
import { jsonWriter } from './json';
import type { OutputFormat, TableWriter, WriterOptions } from './types';
import { xlsxWriter } from './xlsx';
import { xmlWriter } from './xml';

export type { OutputFormat, TableWriter, WriterOptions } from './types';

export function formatFromPath(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.xml') return 'xml';
  if (ext === '.json') return 'json';
  throw new FileError('outputFormat', `cannot tell the output format from "${ext || path}": use .csv, .xlsx, .xml or .json`);
}

export function createWriter(
  format: OutputFormat,
  path: string,
  columns: string[],
  options: WriterOptions = {},
): Promise<TableWriter> {
  switch (format) {
    case 'csv':
      return csvWriter(path, columns, options);
    case 'xlsx':
      return xlsxWriter(path, columns, options);
    case 'xml':
      return xmlWriter(path, columns, options);
    case 'json':
      return jsonWriter(path, columns);
  }
}
