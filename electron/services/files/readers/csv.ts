/** Delimited text (CSV, TSV, `;`, `|`): encoding, `sep=` line, delimiter and header detection. */
import { readChunks, readHead } from '../bytes';
import { detectDelimiter, sepLine } from '../csv/delimiter';
import { CsvTokenizer, type CsvRow } from '../csv/tokenizer';
import { createDecoder, detectEncoding } from '../encoding';
import type { ProbeRow } from '../header';
import { rowsTable } from '../rows-table';
import type { OpenOptions, TableSource } from '../table';

const sampleBytes = 1 << 20;
/**
 * Read 1 MB at a time (few trips to the thread pool), decoded and tokenized 64 KB at a time: each
 * piece's rows (~600) are one batch, done with while V8 still holds it in its young generation.
 * Batches of a whole 1 MB outlived it and made the scan twice as slow and 100 MB bigger
 * (npm run bench -- files).
 */
const readBytes = 1 << 20;
const pieceBytes = 64 * 1024;

export async function openCsv(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const head = await readHead(path, sampleBytes);
  const detected = options.encoding
    ? { encoding: options.encoding, bomLength: 0 }
    : detectEncoding(head.bytes, { sampleIsWholeFile: head.whole });
  const bomLength = detected.bomLength;
  const encoding = detected.encoding;
  const sampleDecoder = createDecoder(encoding);
  let sample = sampleDecoder.write(head.bytes.subarray(bomLength));
  if (head.whole) sample += sampleDecoder.end();
  const sep = sepLine(sample);
  const delimiter = options.delimiter ?? sep?.delimiter ?? detectDelimiter(sep ? sample.slice(sep.length) : sample, head.whole);
  const firstLine = /^[^\r\n]*/.exec(sample)?.[0] ?? '';

  async function* rows(): AsyncGenerator<ProbeRow[]> {
    let batch: CsvRow[] = [];
    const tokenizer = new CsvTokenizer(delimiter, (row) => batch.push(row), sep ? 1 : 0);
    const decoder = createDecoder(encoding);
    let skipChars = sep ? sep.length : 0;
    const feed = (text: string) => {
      if (skipChars > 0) {
        const cut = Math.min(skipChars, text.length);
        skipChars -= cut;
        text = text.slice(cut);
      }
      if (text) tokenizer.push(text);
    };
    for await (const chunk of readChunks(path, bomLength, readBytes)) {
      for (let at = 0; at < chunk.length; at += pieceBytes) {
        feed(decoder.write(chunk.subarray(at, at + pieceBytes)));
        if (batch.length) {
          yield batch;
          batch = [];
        }
      }
    }
    feed(decoder.end());
    tokenizer.end();
    if (batch.length) yield batch;
  }

  const table = await rowsTable(rows(), options);
  return {
    kind: 'csv',
    encoding,
    delimiter,
    headerRow: table.headerRow,
    columns: table.columns,
    meta: { firstLine },
    notices: [],
    batches: table.batches,
  };
}
