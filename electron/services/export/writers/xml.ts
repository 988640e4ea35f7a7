import { AtomicFile } from './atomic';
import type { TableWriter, WriterOptions } from './types';

/** A column name as an XML element name: invalid characters become `_`. */
export function xmlName(name: string): string {
  let out = name.replace(/[^\p{L}\p{N}._-]/gu, '_');
  if (!/^[\p{L}_]/u.test(out)) out = `_${out}`;
  if (/^xml/i.test(out)) out = `_${out}`;
  return out;
}

/** Escapes text content; CR becomes `&#13;` so parsers don't fold it into LF, and characters XML 1.0 cannot hold become U+FFFD. */
export function xmlText(value: string): string {
  return (
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\r/g, '&#13;')
      // eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
  );
}

/** Chamilo-compatible `<Contacts><Contact>…</Contact></Contacts>`, UTF-8. */
export async function xmlWriter(path: string, columns: string[], options: WriterOptions = {}): Promise<TableWriter> {
  const root = options.xmlRoot ?? 'Contacts';
  const recordName = options.xmlRecord ?? 'Contact';
  const names = columns.map(xmlName);
  const file = await AtomicFile.create(path);
  let buffer = `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>\n`;
  return {
    async write(cells) {
      buffer += `    <${recordName}>\n`;
      for (let i = 0; i < names.length; i++) {
        const value = cells[i] ?? '';
        buffer += value === '' ? `        <${names[i]}/>\n` : `        <${names[i]}>${xmlText(value)}</${names[i]}>\n`;
      }
      buffer += `    </${recordName}>\n`;
      if (buffer.length > 1 << 16) {
        await file.write(buffer);
        buffer = '';
      }
    },
    async close() {
      await file.write(`${buffer}</${root}>\n`);
      await file.commit();
    },
    abort: () => file.abort(),
  };
}
