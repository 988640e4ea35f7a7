/** `userdeck inspect`: what a file is and what is wrong with it, in one streaming pass. */
import type { InspectReport } from '../../../common/files/types';
import { mappingObject } from './mapping';
import { prepareFile, type PrepareOptions } from './prepare';
import { validateTable } from './validate';

export async function inspectFile(
  path: string,
  options: PrepareOptions & { signal?: AbortSignal; onProgress?: (rows: number) => void },
): Promise<InspectReport> {
  const { table, format, mapping, notices } = await prepareFile(path, options);
  const report = await validateTable(table, mapping, {
    schema: options.schema,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  const out: InspectReport = {
    format,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headerRow: table.headerRow,
    columns: table.columns,
    dataRows: report.dataRows,
    mapping: mappingObject(mapping),
    problems: report.problems,
    duplicates: report.duplicates,
    notices: [...notices, ...report.notices],
  };
  if (table.sheet !== undefined) out.sheet = table.sheet;
  if (table.sheets) out.sheets = table.sheets;
  return out;
}
