/** `userdeck convert`: any readable file to CSV, XLSX, XML or JSON, values exactly as decoded. */
import { openTable } from '../files/open';
import type { OpenOptions } from '../files/table';
import { isKnownHeader } from '../import/synonyms';
import { createWriter, formatFromPath, type WriterOptions } from './writers/index';

export interface ConvertResult {
  rows: number;
  columns: string[];
}

export async function convertFile(
  input: string,
  output: string,
  options: { read?: OpenOptions; write?: WriterOptions; signal?: AbortSignal; onProgress?: (rows: number) => void } = {},
): Promise<ConvertResult> {
  const format = formatFromPath(output);
  const table = await openTable(input, { isKnownHeader, ...options.read });
  const writer = await createWriter(format, output, table.columns, {
    delimiter: output.toLowerCase().endsWith('.tsv') ? '\t' : undefined,
    ...options.write,
  });
  let rows = 0;
  try {
    for await (const batch of table.batches(options.signal)) {
      for (const record of batch) await writer.write(record.cells);
      rows += batch.length;
      options.onProgress?.(rows);
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return { rows, columns: table.columns };
}
