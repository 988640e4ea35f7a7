/** Opens any supported file as a table: sniffs its kind from its bytes (the extension only breaks ties). */
import { extname } from 'node:path';
import type { FileKind } from '../../../common/files/types';
import { readHead } from './bytes';
import { bomOf } from './encoding';
import { FileError } from './errors';
import { openCsv } from './readers/csv';
import { openJson } from './readers/json';
import { openLdif } from './readers/ldif';
import { openXlsx } from './readers/xlsx';
import { openXml } from './readers/xml';
import type { OpenOptions, TableSource } from './table';

export async function sniffKind(path: string): Promise<FileKind> {
  const { bytes, fileSize } = await readHead(path, 1 << 16);
  if (fileSize === 0) throw new FileError('empty', 'the file is empty');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0)
    throw new FileError('legacyXls', 'legacy Excel 97-2003 (.xls) files are not supported: save the sheet as .xlsx or CSV');
  const bom = bomOf(bytes);
  const utf16 = bom?.encoding === 'utf-16le' || bom?.encoding === 'utf-16be';
  let text: string;
  if (utf16) text = new TextDecoder(bom!.encoding).decode(bytes.subarray(2, 4096));
  else {
    let controls = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0) throw new FileError('binary', 'the file holds binary data, not a text table, spreadsheet, XML, JSON or LDIF');
      if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) controls++;
    }
    if (controls > 8 && controls * 100 > bytes.length)
      throw new FileError('binary', 'the file holds binary data, not a text table, spreadsheet, XML, JSON or LDIF');
    text = Buffer.from(bytes.subarray(bom ? bom.bomLength : 0, 4096)).toString('latin1');
  }
  const start = text.trimStart();
  const ext = extname(path).toLowerCase();
  if (start.startsWith('<')) return 'xml';
  if (start.startsWith('[') || start.startsWith('{')) return 'json';
  const firstLine = start
    .split(/\r\n|\n|\r/)
    .find((line) => !line.startsWith('#'))
    ?.trim();
  if (ext === '.ldif' || /^dn::?\s/i.test(firstLine ?? '') || /^version:\s*1$/i.test(firstLine ?? '')) return 'ldif';
  return 'csv';
}

export async function openTable(path: string, options: OpenOptions = {}): Promise<TableSource> {
  const kind = await sniffKind(path);
  switch (kind) {
    case 'xlsx':
      return openXlsx(path, options);
    case 'xml':
      return openXml(path, options);
    case 'json':
      return openJson(path, options);
    case 'ldif':
      return openLdif(path, options);
    case 'csv':
      return openCsv(path, options);
  }
}
