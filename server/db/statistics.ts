import { sql } from 'kysely';
import type { Db } from './database';

const counters = new WeakMap<Db, { pending: number; analyzed: number; running: boolean }>();
const tables = ['users', 'user_tags', 'group_members', 'user_roles', 'user_field_values'];

/**
 * PostgreSQL plans from table statistics, and a bulk import outruns autovacuum: right after loading
 * 10,000 users into an empty database it still believes the tables empty and picks nested scans
 * that take seconds. So once the rows written since the last ANALYZE pass a fifth of what the
 * tables held then (at least 1,000), the user tables are analysed again, in the background.
 */
export function noteBulkWrites(db: Db, rows: number): void {
  if (db.dialect !== 'postgres' || rows <= 0) return;
  const state = counters.get(db) ?? { pending: 0, analyzed: 0, running: false };
  counters.set(db, state);
  state.pending += rows;
  if (state.running || state.pending < Math.max(1000, state.analyzed / 5)) return;
  state.running = true;
  const total = state.analyzed + state.pending;
  state.pending = 0;
  void (async () => {
    try {
      for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db.kysely);
      state.analyzed = total;
    } catch {
      // The server may be closing: the next bulk write tries again.
    } finally {
      state.running = false;
    }
  })();
}
