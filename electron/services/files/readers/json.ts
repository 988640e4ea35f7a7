/**
 * JSON user lists, streamed: an array of objects (Auth0's import format), newline-delimited objects
 * (Auth0's export), or one object wrapping such an array (`{"users": […]}`). Columns are the
 * top-level keys in order of first appearance; a nested object or array is one column holding its
 * JSON text. Two passes, as for XML.
 */
import { readChunks, readHead } from '../bytes';
import { createDecoder, detectEncoding, type DetectedEncoding } from '../encoding';
import { FileError, maxColumns, tooManyColumns } from '../errors';
import { throwIfAborted, type OpenOptions, type TableRecord, type TableSource } from '../table';

type JsonObject = Record<string, unknown>;

/** Wrapped lists are parsed whole: only up to this size. */
const maxWrappedBytes = 64 * 1024 * 1024;

/** Splits a stream of JSON text into the complete values found at `depth` 0 (and 1 inside a top-level array). */
class ValueSplitter {
  private buf = '';
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private start = -1;
  /** Depth at which values are records: 1 inside a top-level array, else 0. */
  recordDepth = -1;

  constructor(private readonly onValue: (text: string) => void) {}

  push(text: string): void {
    this.buf = this.start >= 0 ? this.buf.slice(this.start) + text : text;
    this.pos = this.start >= 0 ? this.pos - this.start : 0;
    if (this.start >= 0) this.start = 0;
    const buf = this.buf;
    for (let i = this.pos; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) this.inString = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) continue;
      if (this.recordDepth === -1) {
        this.recordDepth = c === 91 ? 1 : 0;
        if (c === 91) {
          this.depth = 1;
          continue;
        }
      }
      if (this.depth === this.recordDepth && this.start < 0) {
        if (c === 93 && this.recordDepth === 1) {
          this.depth = 0;
          continue;
        }
        this.start = i;
      }
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === this.recordDepth && this.start >= 0) {
          this.onValue(buf.slice(this.start, i + 1));
          this.start = -1;
        }
      } else if (this.depth === this.recordDepth && this.start >= 0) {
        // A bare scalar where a record was expected.
        throw new FileError('badJson', 'the JSON file is not a list of user objects');
      }
    }
    this.pos = buf.length;
    if (this.start < 0) this.buf = '';
  }

  end(): void {
    if (this.start >= 0 || this.inString || this.depth !== 0)
      throw new FileError('badJson', 'the JSON file is truncated or not well-formed');
  }
}

function parseValue(text: string, index: number): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FileError('badJson', `the JSON file is not well-formed near record ${index + 1}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FileError('badJson', `record ${index + 1} of the JSON file is not an object`);
  return value as JsonObject;
}

async function* jsonObjects(path: string, detected: DetectedEncoding, signal?: AbortSignal): AsyncGenerator<JsonObject[]> {
  let out: JsonObject[] = [];
  let index = 0;
  const splitter = new ValueSplitter((text) => out.push(parseValue(text, index++)));
  const decoder = createDecoder(detected.encoding);
  let size = 0;
  for await (const chunk of readChunks(path, detected.bomLength)) {
    throwIfAborted(signal);
    size += chunk.length;
    splitter.push(decoder.write(chunk));
    if (splitter.recordDepth === 0 && index === 0 && size > maxWrappedBytes)
      throw new FileError(
        'badJson',
        'the JSON file is one object over 64 MB: write the users as an array or one object per line',
      );
    // At depth 0 a single object may be a wrapper around the list: hold it until a second one shows.
    if (out.length && (splitter.recordDepth === 1 || index >= 2)) {
      yield out;
      out = [];
    }
  }
  const tail = decoder.end();
  splitter.push(tail);
  splitter.end();
  if (splitter.recordDepth === 0 && out.length === 1 && index === 1) {
    // One object: a wrapper around the list, or a single user.
    const list = Object.values(out[0]!).find(
      (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)),
    );
    if (list) out = list as JsonObject[];
  }
  if (out.length) yield out;
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export async function openJson(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const head = await readHead(path, 1 << 16);
  const detected = options.encoding
    ? { encoding: options.encoding, bomLength: 0 }
    : detectEncoding(head.bytes, { sampleIsWholeFile: head.whole });
  const columns: string[] = [];
  const seen = new Set<string>();
  let count = 0;
  for await (const objects of jsonObjects(path, detected)) {
    for (const object of objects) {
      count++;
      for (const key of Object.keys(object)) {
        if (seen.has(key)) continue;
        seen.add(key);
        columns.push(key);
        if (columns.length > maxColumns) throw tooManyColumns(columns.length, 'the JSON records');
      }
    }
  }
  if (count === 0) throw new FileError('empty', 'the JSON file holds no user records');
  return {
    kind: 'json',
    encoding: detected.encoding,
    delimiter: null,
    headerRow: null,
    columns,
    meta: {},
    notices: [],
    async *batches(signal) {
      for await (const objects of jsonObjects(path, detected, signal))
        yield objects.map((o): TableRecord => ({ cells: columns.map((c) => cellText(o[c])), line: null }));
    },
  };
}
