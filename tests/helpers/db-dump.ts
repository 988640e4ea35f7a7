/**
 * Every row of every table of a test directory's database, as text, read straight from SQLite or
 * PostgreSQL: for tests that must prove some data is nowhere at all (anonymisation). BLOBs are
 * decoded as text too, so that what a binary column holds (SQLite's full-text index pages) is
 * searched rather than hidden behind an array of numbers.
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { TestDirectory } from './directory';

const asText = (value: unknown): unknown => (Buffer.isBuffer(value) ? value.toString('utf8') : value);
const rowsAsText = (rows: Record<string, unknown>[]) =>
  JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, asText(v)]))));

function openSqlite(dir: TestDirectory): SQLite.Database {
  return new SQLite(join(dir.dataDir, 'userdeck.db'), { readonly: true });
}

export async function dumpDatabase(dir: TestDirectory): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (dir.backend === 'sqlite') {
    const db = openSqlite(dir);
    try {
      // Shadow tables of virtual tables are plain tables, so the full-text index pages are read too.
      const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
      for (const { name } of tables) {
        const virtual = /^create virtual table/i.test(
          (db.prepare('select sql from sqlite_master where name = ?').get(name) as { sql: string }).sql,
        );
        // Reading a virtual table would go through its module (for users_fts: the users table again).
        if (!virtual) out.set(name, rowsAsText(db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]));
      }
    } finally {
      db.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: dir.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ s: string; t: string }>(
      `select table_schema as s, table_name as t from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    for (const { s, t } of tables.rows)
      out.set(`${s}.${t}`, rowsAsText((await client.query(`select * from "${s}"."${t}"`)).rows));
  } finally {
    await client.end();
  }
  return out;
}

/** The tables whose rows contain `needle` (case-insensitive). */
export async function tablesContaining(dir: TestDirectory, needles: string[]): Promise<string[]> {
  const dump = await dumpDatabase(dir);
  const hits: string[] = [];
  for (const [table, text] of dump)
    for (const needle of needles) if (text.toLowerCase().includes(needle.toLowerCase())) hits.push(`${table}: ${needle}`);
  return hits;
}

/** An SQLite varint (big-endian groups of 7 bits, the 9th byte whole) at `at`: [value, next offset]. */
function varint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const b = bytes[at + i]!;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return [value * 256 + bytes[at + 8]!, at + 9];
}

/**
 * Every term stored in the leaf pages of an FTS5 index (`<name>_data`), read from the raw pages the
 * way SQLite lays them out (fts5_index.c): terms are prefix-compressed, so a word never appears
 * whole in the bytes; the page footer lists where each term starts. Deleted rows' terms stay in older
 * segments until the segments merge, so this sees what the file still holds, not what a query finds.
 */
export function fts5StoredTerms(dir: TestDirectory, index = 'users_fts'): Set<string> {
  const db = openSqlite(dir);
  try {
    const pages = db.prepare(`select id, block from "${index}_data"`).safeIntegers().all() as { id: bigint; block: Buffer }[];
    const terms = new Set<string>();
    for (const { id, block } of pages) {
      // Row ids: segment (16 bits) · doclist-index flag · height (5 bits) · page number (31 bits);
      // 1 and 10 are the averages and structure records. Leaves: a segment, height 0, no flag.
      const segment = id >> 37n;
      if (segment < 1n || segment > 0xffffn || ((id >> 31n) & 0x3fn) !== 0n || block.length < 4) continue;
      const footer = block.readUInt16BE(2);
      let at = footer;
      let offset = 0;
      let previous = Buffer.alloc(0);
      for (let n = 0; at < block.length; n++) {
        let delta: number;
        [delta, at] = varint(block, at);
        offset += delta;
        let p = offset;
        let prefix = 0;
        if (n > 0) [prefix, p] = varint(block, p);
        const [length, start] = varint(block, p);
        const term = Buffer.concat([previous.subarray(0, prefix), block.subarray(start, start + length)]);
        // Each stored term starts with its index's byte: '0' for the main index ('1'… for prefix ones).
        if (term[0] === 0x30) terms.add(term.subarray(1).toString('utf8'));
        previous = term;
      }
    }
    return terms;
  } finally {
    db.close();
  }
}

/** The trigrams of a text, as SQLite's `trigram` tokenizer makes them (lower case, spaces included). */
export function trigrams(text: string): string[] {
  const chars = [...text.toLowerCase()];
  return chars.slice(0, Math.max(chars.length - 2, 0)).map((_, i) => chars.slice(i, i + 3).join(''));
}

/**
 * Terms the users' full-text index still stores that no current user's search text has: left
 * behind by changed, anonymised or purged users until the index merges its segments.
 */
export function staleSearchTerms(dir: TestDirectory): string[] {
  const db = openSqlite(dir);
  let live: Set<string>;
  try {
    const rows = db.prepare('select search_text from users').all() as { search_text: string }[];
    live = new Set(rows.flatMap((r) => trigrams(r.search_text)));
  } finally {
    db.close();
  }
  return [...fts5StoredTerms(dir)].filter((t) => !live.has(t)).sort();
}
