import type { Kysely, Transaction } from 'kysely';
import { defaultPolicies, policiesSchema, type Policies } from '../../common/users/policies';
import type { Database } from '../db/schema';

/** The lifecycle policies in force: the stored ones over the product defaults. */
export async function loadPolicies(db: Kysely<Database> | Transaction<Database>): Promise<Policies> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'policies').executeTakeFirst();
  if (!row) return defaultPolicies;
  const parsed = policiesSchema.partial().safeParse(JSON.parse(row.value));
  return { ...defaultPolicies, ...(parsed.success ? parsed.data : {}) };
}
