/**
 * A streaming RFC 4180 tokenizer. Our own rather than papaparse's because files mix line ends (LF,
 * CRLF and bare CR in one file, DESIGN.md §7) while papaparse guesses one newline per file, and
 * because problems must name the physical line. Scans with indexOf, as papaparse does, so it keeps
 * up with it (see `npm run bench -- files`).
 */
import { FileError, maxColumns, tooManyColumns } from '../errors';

export interface CsvRow {
  cells: string[];
  /** 0-based physical line where the row starts. */
  line: number;
}

/** A field longer than this is an unterminated quote, not data. */
const maxRowChars = 32 * 1024 * 1024;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private pending = '';
  /** Don't re-scan a long incomplete row until this much text is pending (keeps it linear). */
  private waitFor = 0;
  private line = 0;
  private readonly delimCode: number;
  /** Lines whose quoted field was followed by stray text, reported once each. */
  readonly strayQuotes: number[] = [];

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (row: CsvRow) => void,
    /** The physical line of the first character (1 after a `sep=` line). */
    startLine = 0,
  ) {
    this.delimCode = delimiter.charCodeAt(0);
    this.line = startLine;
  }

  push(text: string): void {
    this.pending = this.pending.length ? this.pending + text : text;
    if (this.pending.length < this.waitFor) return;
    this.run(false);
  }

  end(): void {
    this.run(true);
    this.pending = '';
  }

  private run(final: boolean): void {
    const buf = this.pending;
    const consumed = this.parse(buf, final);
    this.pending = consumed === buf.length ? '' : buf.slice(consumed);
    if (this.pending.length > maxRowChars) {
      throw new FileError(
        'unterminatedQuote',
        `line ${this.line + 1}: a quoted field never ends (unterminated quote) or the row is over 32 MB`,
      );
    }
    this.waitFor = this.pending.length > 65536 ? this.pending.length * 2 : 0;
  }

  /** Parses complete rows of `buf`; returns how many characters were consumed. */
  private parse(buf: string, final: boolean): number {
    const len = buf.length;
    const d = this.delimCode;
    const delimiter = this.delimiter;
    let pos = 0;
    let nextDelim = -2;
    let nextLF = -2;
    let nextCR = -2;
    while (pos < len) {
      const rowStart = pos;
      const rowLine = this.line;
      let lines = 0;
      const cells: string[] = [];
      let complete = false;
      for (;;) {
        if (buf.charCodeAt(pos) === QUOTE) {
          let i = pos + 1;
          let value = '';
          let closed = -1;
          for (;;) {
            const q = buf.indexOf('"', i);
            if (q === -1) break;
            if (q + 1 < len && buf.charCodeAt(q + 1) === QUOTE) {
              value += buf.slice(i, q + 1);
              i = q + 2;
              continue;
            }
            if (q + 1 >= len && !final) break; // the next chunk may start with the second quote
            value += buf.slice(i, q);
            closed = q;
            break;
          }
          if (closed === -1) {
            if (!final) return rowStart;
            throw new FileError(
              'unterminatedQuote',
              `line ${rowLine + lines + 1}: a quoted field is never closed (unterminated quote)`,
            );
          }
          // Line breaks inside the quotes, found through the next-break positions kept for the
          // unquoted cells rather than by scanning every quoted value again.
          if (nextLF <= pos && nextLF !== -1) nextLF = buf.indexOf('\n', pos + 1);
          if (nextCR <= pos && nextCR !== -1) nextCR = buf.indexOf('\r', pos + 1);
          if ((nextLF !== -1 && nextLF < closed) || (nextCR !== -1 && nextCR < closed))
            lines += countLineBreaks(buf, pos + 1, closed);
          pos = closed + 1;
          // Text after the closing quote (`"a"b`): kept, as spreadsheets do, and reported.
          let c = buf.charCodeAt(pos);
          if (pos < len && c !== d && c !== LF && c !== CR) {
            let end = pos;
            while (end < len) {
              c = buf.charCodeAt(end);
              if (c === d || c === LF || c === CR) break;
              end++;
            }
            if (end >= len && !final) return rowStart;
            value += buf.slice(pos, end);
            pos = end;
            if (this.strayQuotes.length < 100) this.strayQuotes.push(rowLine + lines);
          }
          cells.push(value);
          if (pos >= len) {
            if (!final) return rowStart;
            complete = true;
            break;
          }
          c = buf.charCodeAt(pos);
          if (c === d) {
            pos++;
            continue;
          }
        } else {
          if (nextDelim < pos && nextDelim !== -1) nextDelim = buf.indexOf(delimiter, pos);
          if (nextLF < pos && nextLF !== -1) nextLF = buf.indexOf('\n', pos);
          if (nextCR < pos && nextCR !== -1) nextCR = buf.indexOf('\r', pos);
          let eol = nextLF;
          if (nextCR !== -1 && (eol === -1 || nextCR < eol)) eol = nextCR;
          if (nextDelim !== -1 && (eol === -1 || nextDelim < eol)) {
            cells.push(buf.slice(pos, nextDelim));
            pos = nextDelim + 1;
            continue;
          }
          if (eol === -1) {
            if (!final) return rowStart;
            cells.push(buf.slice(pos));
            pos = len;
            complete = true;
            break;
          }
          cells.push(buf.slice(pos, eol));
          pos = eol;
        }
        // pos is at a line break.
        if (buf.charCodeAt(pos) === CR) {
          if (pos + 1 >= len && !final) return rowStart; // CRLF may be split across chunks
          pos += buf.charCodeAt(pos + 1) === LF ? 2 : 1;
        } else pos += 1;
        lines += 1;
        complete = true;
        break;
      }
      if (!complete) return rowStart;
      if (cells.length > maxColumns) throw tooManyColumns(cells.length, `line ${rowLine + 1}`);
      this.line = rowLine + lines;
      this.onRow({ cells, line: rowLine });
    }
    return pos;
  }
}

/** Line breaks in `text` from `start` to `end`: CRLF, LF and CR each count once. */
function countLineBreaks(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR) {
      n++;
      if (i + 1 < end && text.charCodeAt(i + 1) === LF) i++;
    }
  }
  return n;
}
