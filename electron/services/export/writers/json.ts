import { AtomicFile } from './atomic';
import type { TableWriter } from './types';

/** An array of records keyed by column name; every value a string (DESIGN.md §8, `convert … .json`). */
export async function jsonWriter(path: string, columns: string[]): Promise<TableWriter> {
  const file = await AtomicFile.create(path);
  // Duplicate column names would collide as keys: later ones get " (2)", " (3)"…
  const keys: string[] = [];
  const used = new Map<string, number>();
  for (const column of columns) {
    const n = (used.get(column) ?? 0) + 1;
    used.set(column, n);
    keys.push(n === 1 ? column : `${column} (${n})`);
  }
  let buffer = '[';
  let first = true;
  return {
    async write(cells) {
      const record: Record<string, string> = {};
      for (let i = 0; i < keys.length; i++) record[keys[i]!] = cells[i] ?? '';
      buffer += `${first ? '\n' : ',\n'}  ${JSON.stringify(record)}`;
      first = false;
      if (buffer.length > 1 << 16) {
        await file.write(buffer);
        buffer = '';
      }
    },
    async close() {
      await file.write(`${buffer}${first ? ']' : '\n]'}\n`);
      await file.commit();
    },
    abort: () => file.abort(),
  };
}
