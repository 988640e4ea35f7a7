/**
 * XML user lists (Chamilo's `<Contacts><Contact>…`, or any list of flat records), streamed with
 * saxes. A record is the first element closed that has leaf children; later records are elements
 * of the same name at the same depth; a record's fields are its leaf children (a repeated one is
 * joined with `|`). DTDs are refused, so no XXE and no entity expansion. Two passes: the first
 * learns the columns (child names in order of first appearance), the second streams the records.
 */
import { readChunks, readHead } from '../bytes';
import { createDecoder, detectEncoding, type DetectedEncoding } from '../encoding';
import { FileError, maxColumns, tooManyColumns } from '../errors';
import { throwIfAborted, type OpenOptions, type TableRecord, type TableSource } from '../table';
import { safeParser } from '../xlsx/parts';

type XmlRecord = Map<string, string>;

interface Open {
  name: string;
  hasChildren: boolean;
  leaves: XmlRecord | null;
}

async function* xmlRecords(
  path: string,
  detected: DetectedEncoding,
  shape: { root: string; record: string },
  signal?: AbortSignal,
): AsyncGenerator<XmlRecord[]> {
  const parser = safeParser('the XML file');
  const stack: Open[] = [];
  let recordDepth = -1;
  let text = '';
  let out: XmlRecord[] = [];
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.hasChildren = true;
    else shape.root = tag.name;
    stack.push({ name: tag.name, hasChildren: false, leaves: null });
    text = '';
  });
  const addText = (t: string) => {
    text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const top = stack.pop()!;
    const depth = stack.length + 1;
    const parent = stack[stack.length - 1];
    if (!top.hasChildren && parent && depth >= 2 && (recordDepth === -1 || depth === recordDepth + 1)) {
      const leaves = (parent.leaves ??= new Map());
      const previous = leaves.get(top.name);
      leaves.set(top.name, previous === undefined ? text : `${previous}|${text}`);
    } else if (top.hasChildren && top.leaves) {
      if (recordDepth === -1 && depth >= 2) {
        shape.record = top.name;
        recordDepth = depth;
      }
      if (depth === recordDepth && top.name === shape.record) out.push(top.leaves);
    } else if (top.hasChildren && !top.leaves && depth === recordDepth && top.name === shape.record) {
      out.push(new Map()); // a record with no fields still counts: nothing is dropped silently
    }
    text = '';
  });
  const decoder = createDecoder(detected.encoding);
  try {
    for await (const chunk of readChunks(path, detected.bomLength)) {
      throwIfAborted(signal);
      parser.write(decoder.write(chunk));
      if (out.length) {
        yield out;
        out = [];
      }
    }
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    if (error instanceof FileError || signal?.aborted) throw error;
    throw new FileError('badXml', `the XML file is not well-formed: ${(error as Error).message.split('\n')[0]}`);
  }
  if (out.length) yield out;
}

export async function openXml(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const head = await readHead(path, 1 << 16);
  const detected = options.encoding
    ? { encoding: options.encoding, bomLength: 0 }
    : detectEncoding(head.bytes, { xml: true, sampleIsWholeFile: head.whole });
  const columns: string[] = [];
  const seen = new Set<string>();
  const shape = { root: '', record: '' };
  let count = 0;
  for await (const records of xmlRecords(path, detected, shape)) {
    for (const record of records) {
      count++;
      for (const key of record.keys()) {
        if (seen.has(key)) continue;
        seen.add(key);
        columns.push(key);
        if (columns.length > maxColumns) throw tooManyColumns(columns.length, 'the XML records');
      }
    }
  }
  if (count === 0) throw new FileError('empty', 'the XML file holds no records (expected a list such as <Contacts><Contact>…)');
  return {
    kind: 'xml',
    encoding: detected.encoding,
    delimiter: null,
    headerRow: null,
    columns,
    meta: { root: shape.root, record: shape.record },
    notices: [],
    async *batches(signal) {
      for await (const records of xmlRecords(path, detected, { root: '', record: '' }, signal)) {
        yield records.map((values): TableRecord => ({ cells: columns.map((c) => values.get(c) ?? ''), line: null }));
      }
    },
  };
}
