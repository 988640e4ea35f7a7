import { encodeOoxmlText } from '../../files/xlsx/cells';
import { escapeFormula } from '../escape';
import { AtomicFile } from './atomic';
import type { TableWriter, WriterOptions } from './types';
import { ZipWriter, type ZipEntryWriter } from './zip';

/**
 * XLSX written as a stream: the sheet's XML goes straight into a deflated zip entry (writers/zip.ts)
 * as rows come, so memory stays flat (exceljs's streaming writer held about 1 GB for a million
 * rows). Every cell is an inline string (leading zeros and long codes survive; empty cells are left
 * out); the header is bold and frozen; columns are as wide as their names (10 to 40).
 */

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** zlib level: XML deflates well even at level 1, at a fraction of level 6's time. */
const DEFLATE_LEVEL = 1;
/** Sheet XML is handed to zlib in pieces of about this many characters. */
const PIECE_CHARS = 64 * 1024;

/** `0` → `A`, `27` → `AB`. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

// Characters XML text cannot hold as they are, and the `_xHHHH_` escapes of OOXML.
// eslint-disable-next-line no-control-regex -- control characters are exactly what needs encoding
const needsWork = /[&<>\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;

/** A cell's text as XML character data: OOXML `_xHHHH_` escapes, then XML's. */
export function cellXml(value: string): string {
  if (!needsWork.test(value)) return value;
  return (
    encodeOoxmlText(value)
      // Not characters in XML 1.0 at all: escaped the OOXML way, which the reader decodes.
      .replace(/[\uFFFE\uFFFF]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase()}_`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
  );
}

const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Whitespace at either end is kept only when the text says so. */
const edgeSpace = (text: string) => text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32);

function inlineCell(ref: string, value: string, style: string): string {
  const text = cellXml(value);
  const t = edgeSpace(value) ? '<t xml:space="preserve">' : '<t>';
  return `<c r="${ref}"${style} t="inlineStr"><is>${t}${text}</t></is></c>`;
}

/** Excel's rules for sheet names: 1–31 characters, none of `[]:*?/\`. */
function sheetTitle(name: string | undefined): string {
  const cleaned = (name ?? 'Users').replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
  return cleaned === '' ? 'Users' : cleaned;
}

const contentTypes = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const packageRels = `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const workbookRels = `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`;
const workbook = (title: string) =>
  `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews><sheets><sheet name="${attr(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
// Style 1 is the header's bold font.
const styles = `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

export async function xlsxWriter(path: string, columns: string[], options: WriterOptions = {}): Promise<TableWriter> {
  const escape = options.escapeFormulas ?? true;
  const file = await AtomicFile.create(path);
  const zip = new ZipWriter(file, DEFLATE_LEVEL);
  const letters = columns.map((_, i) => columnLetters(i));
  let sheet: ZipEntryWriter;
  let buffer = '';
  let row = 1;
  let done = false;
  const flush = async () => {
    const piece = buffer;
    buffer = '';
    await sheet.write(Buffer.from(piece, 'utf8'));
  };
  try {
    await zip.add('[Content_Types].xml', contentTypes);
    await zip.add('_rels/.rels', packageRels);
    await zip.add('xl/workbook.xml', workbook(sheetTitle(options.sheetName)));
    await zip.add('xl/_rels/workbook.xml.rels', workbookRels);
    await zip.add('xl/styles.xml', styles);
    sheet = await zip.stream('xl/worksheets/sheet1.xml');
    const widths = columns
      .map(
        (name, i) =>
          `<col min="${i + 1}" max="${i + 1}" width="${Math.min(40, Math.max(10, name.length + 2))}" customWidth="1"/>`,
      )
      .join('');
    buffer =
      `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0">` +
      `<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>` +
      `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>${widths ? `<cols>${widths}</cols>` : ''}<sheetData>` +
      `<row r="1">${columns.map((name, i) => (name === '' ? '' : inlineCell(`${letters[i]}1`, name, ' s="1"'))).join('')}</row>`;
  } catch (error) {
    zip.destroy();
    await file.abort();
    throw error;
  }
  return {
    async write(cells) {
      row++;
      let xml = `<row r="${row}">`;
      for (let i = 0; i < letters.length; i++) {
        const raw = cells[i] ?? '';
        if (raw === '') continue;
        xml += inlineCell(letters[i]! + row, escape ? escapeFormula(raw) : raw, '');
      }
      buffer += `${xml}</row>`;
      if (buffer.length >= PIECE_CHARS) await flush();
    },
    async close() {
      buffer +=
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
      await flush();
      await sheet.end();
      await zip.finish();
      done = true;
      await file.commit();
    },
    async abort() {
      if (done) return;
      done = true;
      zip.destroy();
      await file.abort();
    },
  };
}
