/**
 * Every row of every table of a test directory's database, as text, read straight from SQLite or
 * PostgreSQL: for tests that must prove some data is nowhere at all (anonymisation).
 */
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { TestDirectory } from './directory';

export async function dumpDatabase(dir: TestDirectory): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (dir.backend === 'sqlite') {
    const db = new SQLite(join(dir.dataDir, 'userdeck.db'), { readonly: true });
    try {
      const tables = db.prepare(`select name from sqlite_master where type = 'table'`).all() as { name: string }[];
      for (const { name } of tables) out.set(name, JSON.stringify(db.prepare(`select * from "${name}"`).all()));
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
      out.set(`${s}.${t}`, JSON.stringify((await client.query(`select * from "${s}"."${t}"`)).rows));
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
