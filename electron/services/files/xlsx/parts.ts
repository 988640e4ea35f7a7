/** The workbook-level parts of an XLSX: sheets and their visibility, styles (which cells are dates), shared strings. */
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FileError } from '../errors';
import type { XlsxZip } from './zip';

export interface SheetInfo {
  name: string;
  hidden: boolean;
  /** The part's path in the zip, e.g. `xl/worksheets/sheet1.xml`. */
  part: string;
}

/** A SAX parser that refuses DTDs (no XXE, no entity expansion) and reports errors as a bad file. */
export function safeParser(what: string): SaxesParser {
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('doctype', () => {
    throw new FileError('xmlDoctype', `${what} declares a DOCTYPE: refused (no DTDs or entities are accepted)`);
  });
  return parser;
}

export async function parseStream(parser: SaxesParser, stream: Readable, what: string): Promise<void> {
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) parser.write(decoder.decode(chunk as Buffer, { stream: true }));
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if (error instanceof FileError) throw error;
    throw new FileError('corruptXlsx', `the XLSX file is damaged: ${what}: ${(error as Error).message.split('\n')[0]}`);
  } finally {
    stream.destroy();
  }
}

const attr = (tag: SaxesTagPlain, name: string): string | undefined => {
  const value = tag.attributes[name];
  return typeof value === 'string' ? value : undefined;
};

export async function readWorkbook(zip: XlsxZip): Promise<{ sheets: SheetInfo[]; date1904: boolean }> {
  const rels = new Map<string, string>();
  const relsPart = 'xl/_rels/workbook.xml.rels';
  if (zip.has(relsPart)) {
    const parser = safeParser(relsPart);
    parser.on('opentag', (tag) => {
      if (tag.name.endsWith('Relationship')) {
        const id = attr(tag, 'Id');
        const target = attr(tag, 'Target');
        if (id && target) rels.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/'));
      }
    });
    await parseStream(parser, await zip.stream(relsPart), relsPart);
  }
  const sheets: SheetInfo[] = [];
  let date1904 = false;
  if (!zip.has('xl/workbook.xml'))
    throw new FileError('corruptXlsx', 'the XLSX file is damaged or not an XLSX file (no workbook)');
  const parser = safeParser('xl/workbook.xml');
  parser.on('opentag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    if (local === 'workbookPr') date1904 = ['1', 'true'].includes(attr(tag, 'date1904') ?? '');
    if (local === 'sheet') {
      const id = Object.entries(tag.attributes).find(([k]) => k === 'r:id' || k.endsWith(':id'))?.[1];
      const part = typeof id === 'string' ? rels.get(id) : undefined;
      const state = attr(tag, 'state') ?? 'visible';
      if (part) sheets.push({ name: attr(tag, 'name') ?? `Sheet${sheets.length + 1}`, hidden: state !== 'visible', part });
    }
  });
  await parseStream(parser, await zip.stream('xl/workbook.xml'), 'xl/workbook.xml');
  return { sheets, date1904 };
}

const builtinDateFormats = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/** Whether a number format shows a date or time: d, m, y, h or s outside quotes, escapes and [colour] brackets. */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]/gi, '');
  if (/^general$/i.test(bare.trim())) return false;
  return /[dmyhs]/i.test(bare);
}

/** For each cellXfs index, whether cells of that style hold dates. */
export async function readDateStyles(zip: XlsxZip): Promise<boolean[]> {
  const part = 'xl/styles.xml';
  if (!zip.has(part)) return [];
  const custom = new Map<number, string>();
  const styles: boolean[] = [];
  let inCellXfs = false;
  const parser = safeParser(part);
  parser.on('opentag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    if (local === 'numFmt') custom.set(Number(attr(tag, 'numFmtId')), attr(tag, 'formatCode') ?? '');
    else if (local === 'cellXfs') inCellXfs = true;
    else if (local === 'xf' && inCellXfs) {
      const id = Number(attr(tag, 'numFmtId') ?? 0);
      const code = custom.get(id);
      styles.push(code !== undefined ? isDateFormat(code) : builtinDateFormats.has(id));
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name.replace(/^.*:/, '') === 'cellXfs') inCellXfs = false;
  });
  await parseStream(parser, await zip.stream(part), part);
  return styles;
}

/** The shared strings, rich text flattened to its plain text (phonetic runs left out). */
export async function readSharedStrings(zip: XlsxZip, part = 'xl/sharedStrings.xml'): Promise<string[]> {
  if (!zip.has(part)) return [];
  const strings: string[] = [];
  let current = '';
  let inT = false;
  let inPhonetic = false;
  const parser = safeParser(part);
  parser.on('opentag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    if (local === 'si') current = '';
    else if (local === 't' && !inPhonetic) inT = !tag.isSelfClosing;
    else if (local === 'rPh') inPhonetic = true;
  });
  parser.on('text', (text) => {
    if (inT) current += text;
  });
  parser.on('cdata', (text) => {
    if (inT) current += text;
  });
  parser.on('closetag', (tag) => {
    const local = tag.name.replace(/^.*:/, '');
    if (local === 't') inT = false;
    else if (local === 'rPh') inPhonetic = false;
    else if (local === 'si') strings.push(current);
  });
  await parseStream(parser, await zip.stream(part), part);
  return strings;
}
