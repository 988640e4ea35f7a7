import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * A covering index for the checks a filtered list makes on each candidate user found through a
 * tag, group, role or search index: with it, counting 10,000 candidates reads one compact index
 * instead of 10,000 table rows.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql
    .raw(
      'create index users_filter_probe on users (id, deleted_at, active, inactive_reason, email_verified, external, source, enrollment)',
    )
    .execute(db);
}
