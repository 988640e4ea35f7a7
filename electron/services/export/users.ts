/**
 * Export of users (a filter's result or a selection), streaming from the directory's cursor pages
 * to CSV, XLSX, JSON or Chamilo-compatible XML, with chosen columns.
 */
import type { FieldSchema } from '../../../common/users/fields';
import type { User } from '../../../common/users/user';
import { throwIfAborted } from '../files/table';
import { chamiloCells, chamiloColumns, defaultExportColumns, isExportColumn, userCells } from './columns';
import { createWriter, type OutputFormat, type WriterOptions } from './writers/index';
import { FileError } from '../files/errors';

export interface ExportOptions extends WriterOptions {
  format: OutputFormat;
  /** Columns (export column names); default: every exportable field and custom field. Ignored for XML (Chamilo's fields). */
  columns?: string[];
  schema: FieldSchema | null;
  signal?: AbortSignal;
  onProgress?: (rows: number) => void;
}

export async function exportUsers(
  pages: AsyncIterable<User[]>,
  out: string,
  options: ExportOptions,
): Promise<{ rows: number; columns: string[] }> {
  const chamilo = options.format === 'xml';
  const columns = chamilo ? chamiloColumns : (options.columns ?? defaultExportColumns(options.schema));
  for (const column of columns)
    if (!chamilo && !isExportColumn(column)) throw new FileError('badColumn', `"${column}" is not an export column`);
  const writer = await createWriter(options.format, out, columns, options);
  let rows = 0;
  try {
    for await (const users of pages) {
      throwIfAborted(options.signal);
      for (const user of users) await writer.write(chamilo ? chamiloCells(user) : userCells(user, columns));
      rows += users.length;
      options.onProgress?.(rows);
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { rows, columns };
}
