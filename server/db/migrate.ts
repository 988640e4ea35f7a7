import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Dialect } from './dialect';
import * as core from './migrations/001-core';
import * as lifecycle from './migrations/002-lifecycle';
import * as listProbes from './migrations/003-list-probes';
import * as relationCounts from './migrations/004-relation-counts';
import * as statsIndex from './migrations/005-stats-index';
import * as scimContacts from './migrations/006-scim-contacts';

/**
 * The ordered migrations of both databases. Add a file under migrations/ and a line here; names sort
 * in order and are never renamed once released.
 */
export const migrations: Record<string, { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }> = {
  '001-core': core,
  '002-lifecycle': lifecycle,
  '003-list-probes': listProbes,
  '004-relation-counts': relationCounts,
  '005-stats-index': statsIndex,
  '006-scim-contacts': scimContacts,
};

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(migrations)) {
      out[name] = { up: (db) => migration.up(db, this.dialect) };
    }
    return out;
  }
}

/** Brings the schema up to date; runs at every start (several instances may race: Kysely locks). */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InCodeProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause}`);
  }
}
