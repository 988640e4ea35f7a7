import type { EncodingName } from '../../../../common/files/types';

/** A streaming table writer: a header, then rows; nothing appears at `path` until `close`. */
export interface TableWriter {
  write(cells: string[]): Promise<void>;
  /** Finishes the file and moves it into place. */
  close(): Promise<void>;
  /** Removes the unfinished file. */
  abort(): Promise<void>;
}

export type OutputFormat = 'csv' | 'xlsx' | 'xml' | 'json';

export interface WriterOptions {
  /** CSV: `,` by default. */
  delimiter?: string;
  /** CSV: `utf-8-bom` by default, so Excel reads accents right. */
  encoding?: EncodingName;
  /** CSV and XLSX: neutralise formula-looking cells (on by default). */
  escapeFormulas?: boolean;
  /** XML element names (Chamilo's by default). */
  xmlRoot?: string;
  xmlRecord?: string;
  sheetName?: string;
}
