/**
 * LDIF (RFC 2849) entries as records: `dn`, then attribute names in order of first appearance.
 * Folded lines are unfolded, `::` values base64-decoded, multiple values joined with `|`. `:<` URL
 * values are never fetched. Two passes, as for XML.
 */
import { readChunks, readHead } from '../bytes';
import { createDecoder, detectEncoding, type DetectedEncoding } from '../encoding';
import { FileError, maxColumns, tooManyColumns } from '../errors';
import { throwIfAborted, type OpenOptions, type TableRecord, type TableSource } from '../table';

type Entry = Map<string, string>;

async function* ldifEntries(path: string, detected: DetectedEncoding, signal?: AbortSignal): AsyncGenerator<Entry[]> {
  let out: Entry[] = [];
  let entry: Entry | null = null;
  let logical: string | null = null;
  let lineNo = 0;
  let startLine = 0;
  const finishLine = () => {
    if (logical === null) return;
    const text = logical;
    logical = null;
    if (text.startsWith('#')) return;
    const colon = text.indexOf(':');
    if (colon <= 0) throw new FileError('badLdif', `LDIF line ${startLine}: expected "attribute: value"`);
    const name = text.slice(0, colon);
    let value: string;
    if (text[colon + 1] === ':') value = Buffer.from(text.slice(colon + 2).trim(), 'base64').toString('utf8');
    else if (text[colon + 1] === '<') value = text.slice(colon + 2).trim();
    else value = text.slice(colon + 1).replace(/^ /, '');
    if (entry === null) {
      if (name.toLowerCase() === 'version') return;
      if (name.toLowerCase() !== 'dn') throw new FileError('badLdif', `LDIF line ${startLine}: an entry must start with "dn:"`);
      entry = new Map();
    }
    const key = name.toLowerCase() === 'dn' ? 'dn' : name;
    const previous = entry.get(key);
    entry.set(key, previous === undefined ? value : `${previous}|${value}`);
  };
  const onLine = (line: string) => {
    lineNo++;
    if (line.startsWith(' ') && logical !== null) {
      logical += line.slice(1);
      return;
    }
    finishLine();
    if (line === '') {
      if (entry) out.push(entry);
      entry = null;
      return;
    }
    logical = line;
    startLine = lineNo;
  };
  const decoder = createDecoder(detected.encoding);
  let rest = '';
  const feed = (text: string, final: boolean) => {
    const lines = (rest + text).split(/\r\n|\n|\r/);
    rest = final ? '' : lines.pop()!;
    for (const line of lines) onLine(line);
  };
  for await (const chunk of readChunks(path, detected.bomLength)) {
    throwIfAborted(signal);
    feed(decoder.write(chunk), false);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  feed(decoder.end(), true);
  onLine('');
  if (out.length) yield out;
}

export async function openLdif(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const head = await readHead(path, 1 << 16);
  const detected = options.encoding
    ? { encoding: options.encoding, bomLength: 0 }
    : detectEncoding(head.bytes, { sampleIsWholeFile: head.whole });
  const columns = ['dn'];
  const seen = new Set(columns);
  let count = 0;
  for await (const entries of ldifEntries(path, detected)) {
    for (const entry of entries) {
      count++;
      for (const key of entry.keys()) {
        if (seen.has(key)) continue;
        seen.add(key);
        columns.push(key);
        if (columns.length > maxColumns) throw tooManyColumns(columns.length, 'the LDIF entries');
      }
    }
  }
  if (count === 0) throw new FileError('empty', 'the LDIF file holds no entries');
  return {
    kind: 'ldif',
    encoding: detected.encoding,
    delimiter: null,
    headerRow: null,
    columns,
    meta: {},
    notices: [],
    async *batches(signal) {
      for await (const entries of ldifEntries(path, detected, signal))
        yield entries.map((e): TableRecord => ({ cells: columns.map((c) => e.get(c) ?? ''), line: null }));
    },
  };
}
