/**
 * XLSX, streamed: the sheet's XML is parsed with saxes as it inflates, so memory stays flat
 * whatever the row count. Reads the first visible sheet unless one is chosen; hidden and extra
 * sheets are ignored. Numbers become plain decimal text, dates ISO 8601, rich text its plain text.
 */
import { FileError, maxColumns, tooManyColumns } from '../errors';
import type { ProbeRow } from '../header';
import { rowsTable } from '../rows-table';
import type { OpenOptions, TableSource } from '../table';
import { columnIndex, decodeOoxmlText, plainDecimal, serialToIso } from '../xlsx/cells';
import { readDateStyles, readSharedStrings, readWorkbook, safeParser } from '../xlsx/parts';
import { XlsxZip } from '../xlsx/zip';

export async function openXlsx(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const zip = await XlsxZip.open(path);
  let closed = false;
  const close = () => {
    if (!closed) zip.close();
    closed = true;
  };
  try {
    const { sheets, date1904 } = await readWorkbook(zip);
    if (sheets.length === 0) throw new FileError('corruptXlsx', 'the XLSX file has no worksheet');
    const sheet =
      options.sheet !== undefined ? sheets.find((s) => s.name === options.sheet) : (sheets.find((s) => !s.hidden) ?? sheets[0]);
    if (!sheet)
      throw new FileError(
        'noSheet',
        `the XLSX file has no sheet "${options.sheet}" (sheets: ${sheets.map((s) => s.name).join(', ')})`,
      );
    if (!zip.has(sheet.part)) throw new FileError('corruptXlsx', `the XLSX file is damaged (sheet "${sheet.name}" is missing)`);
    const dateStyles = await readDateStyles(zip);
    const strings = await readSharedStrings(zip);

    async function* rows(): AsyncGenerator<ProbeRow[]> {
      let batch: ProbeRow[] = [];
      let rowIndex = -1;
      let cells: string[] = [];
      let col = -1;
      let type = 'n';
      let style = 0;
      let text = '';
      let capturing = false;
      let inInline = false;
      let inPhonetic = false;
      const parser = safeParser(`sheet "${sheet!.name}"`);
      parser.on('opentag', (tag) => {
        const name = tag.name;
        if (name === 'row') {
          const r = tag.attributes.r;
          rowIndex = typeof r === 'string' && r !== '' ? Number(r) - 1 : rowIndex + 1;
          cells = [];
          col = -1;
        } else if (name === 'c') {
          const r = tag.attributes.r;
          col = typeof r === 'string' ? columnIndex(r) : col + 1;
          if (col >= maxColumns) throw tooManyColumns(col + 1, `sheet row ${rowIndex + 1}`);
          const t = tag.attributes.t;
          type = typeof t === 'string' ? t : 'n';
          const s = tag.attributes.s;
          style = typeof s === 'string' ? Number(s) : 0;
          text = '';
          inInline = false;
        } else if (name === 'v') {
          capturing = !tag.isSelfClosing;
        } else if (name === 'is') {
          inInline = true;
        } else if (name === 't' && inInline && !inPhonetic) {
          capturing = !tag.isSelfClosing;
        } else if (name === 'rPh') {
          inPhonetic = true;
        }
      });
      parser.on('text', (t) => {
        if (capturing) text += t;
      });
      parser.on('cdata', (t) => {
        if (capturing) text += t;
      });
      parser.on('closetag', (tag) => {
        const name = tag.name;
        if (name === 'v' || name === 't') capturing = false;
        else if (name === 'rPh') inPhonetic = false;
        else if (name === 'c') {
          let value: string;
          switch (type) {
            case 's':
              value = decodeOoxmlText(strings[Number(text)] ?? '');
              break;
            case 'inlineStr':
            case 'str':
              value = decodeOoxmlText(text);
              break;
            case 'e':
            case 'd':
              value = text;
              break;
            case 'b':
              value = text === '1' ? 'TRUE' : text === '0' ? 'FALSE' : text;
              break;
            default:
              value = text === '' ? '' : dateStyles[style] ? serialToIso(Number(text), date1904) : plainDecimal(text);
          }
          while (cells.length < col) cells.push('');
          cells[col] = value;
        } else if (name === 'row') {
          batch.push({ cells, line: rowIndex });
        }
      });
      const stream = await zip.stream(sheet!.part);
      const decoder = new TextDecoder('utf-8');
      try {
        for await (const chunk of stream) {
          parser.write(decoder.decode(chunk as Buffer, { stream: true }));
          if (batch.length >= 500) {
            yield batch;
            batch = [];
          }
        }
        parser.write(decoder.decode());
        parser.close();
      } catch (error) {
        if (error instanceof FileError) throw error;
        throw new FileError(
          'corruptXlsx',
          `the XLSX file is damaged: sheet "${sheet!.name}": ${(error as Error).message.split('\n')[0]}`,
        );
      } finally {
        stream.destroy();
      }
      if (batch.length) yield batch;
      close();
    }

    const table = await rowsTable(rows(), options);
    const batches = table.batches;
    return {
      kind: 'xlsx',
      encoding: null,
      delimiter: null,
      headerRow: table.headerRow,
      columns: table.columns,
      meta: {},
      sheet: sheet.name,
      sheets: sheets.map((s) => ({ name: s.name, hidden: s.hidden })),
      notices: [],
      async *batches(signal) {
        try {
          yield* batches(signal);
        } finally {
          close();
        }
      },
    };
  } catch (error) {
    close();
    throw error;
  }
}
