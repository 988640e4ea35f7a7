import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** A JSON setting, or null when it was never set. */
export async function readSetting<T>(db: Executor, key: string): Promise<T | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : null;
}

export async function writeSetting(db: Executor, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
    .execute();
}

/** Sets a setting only when it has no value yet (several instances may start at once). */
export async function initSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/**
 * The address links in mails point to: the configured public URL, else the URL the server last
 * started on (right for the Local directory and a single server).
 */
export async function loadBaseUrl(db: Executor): Promise<string> {
  const configured = await readSetting<string>(db, 'publicUrl');
  const started = await readSetting<string>(db, 'serverUrl');
  return (configured ?? started ?? 'http://127.0.0.1').replace(/\/+$/, '');
}
