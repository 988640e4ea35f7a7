import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect';
import { migrateToLatest } from './migrate';
import type { Database } from './schema';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL: an ICU collation for Unicode-aware lower() when the server has one. */
  lowerCollation: string | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The data folder: holds `userdeck.db` when no database URL is given. */
  dataDir: string;
  /** `postgres://…` to use PostgreSQL. */
  databaseUrl?: string;
}

/** Opens (and migrates) the server's database: SQLite in the data folder, or PostgreSQL. */
export async function openDatabase(options: OpenOptions): Promise<Db> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options.dataDir);
  try {
    await migrateToLatest(db.kysely as Kysely<unknown>, db.dialect);
    if (db.dialect === 'postgres') {
      const icu = await sql<{ n: string }>`select collname as n from pg_collation where collname = 'und-x-icu'`.execute(
        db.kysely,
      );
      db.lowerCollation = icu.rows[0]?.n ?? null;
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const database = new SQLite(join(dataDir, 'userdeck.db'));
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('cache_size = -65536');
  database.pragma('mmap_size = 268435456');
  // Unicode-aware lower case for SCIM filters (SQLite's own lower() only knows ASCII).
  database.function('ud_lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { kysely, dialect: 'sqlite', lowerCollation: null, close: () => kysely.destroy() };
}

function openPostgres(url: string): Db {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('the database URL must start with postgres://');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', lowerCollation: null, close: () => kysely.destroy() };
}
