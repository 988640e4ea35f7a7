import type { EncodingName, FileKind, FileNotice } from '../../../common/files/types';

/** One data record: its cells aligned with `columns` ("" where the file has none). */
export interface TableRecord {
  cells: string[];
  /** 0-based physical line (CSV) or sheet row (XLSX); null where the format has none. */
  line: number | null;
  /** Filled cells beyond the header's last column (a ragged row): reported, never silently dropped. */
  extra?: string[];
}

/** What a reader knows of a file before its records are streamed. */
export interface TableSource {
  kind: FileKind;
  encoding: EncodingName | null;
  delimiter: string | null;
  headerRow: number | null;
  columns: string[];
  /** XML root and record element names, the first line of a text file, JSON layout… */
  meta: Record<string, string>;
  sheet?: string;
  sheets?: { name: string; hidden: boolean }[];
  notices: FileNotice[];
  /** Streams the data records in batches; blank rows are skipped. Call once. */
  batches(signal?: AbortSignal): AsyncIterable<TableRecord[]>;
}

export interface OpenOptions {
  /** XLSX: the sheet to read (default: the first visible one). */
  sheet?: string;
  /** Forces the encoding of a text file. */
  encoding?: EncodingName;
  /** Forces the delimiter of a CSV file. */
  delimiter?: string;
  /** Forces the 0-based physical header row of a CSV or XLSX file. */
  headerRow?: number;
  /** Tells header detection which names are user fields (from import/synonyms). */
  isKnownHeader?: (cell: string) => boolean;
}

/** Pads or cuts a raw row to the header's width; reports extra filled cells once per file. */
export function alignCells(cells: string[], width: number): string[] {
  if (cells.length === width) return cells;
  if (cells.length < width) {
    const out = cells.slice();
    while (out.length < width) out.push('');
    return out;
  }
  return cells.slice(0, width);
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}
