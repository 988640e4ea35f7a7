import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The dashboard counts live users by verification and enrollment in one pass: this small partial
 * index holds just those columns of just those users, in group order, so the pass reads neither the
 * table nor a wide index. (deleted_at, always null here, is in it so that SQLite sees the index
 * covers the query.) The dashboard's other numbers come from the counters and their own indexes.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql
    .raw('create index users_stats on users (email_verified, enrollment, deleted_at) where deleted_at is null')
    .execute(db);
}
