/**
 * Migrations over data written before them: a database stopped at an earlier migration, with rows,
 * is brought up to date by the server's own start-up path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import { afterEach, expect, inject, it } from 'vitest';
import { describeBackends } from '../../tests/helpers/directory';
import { createDatabase } from '../../tests/helpers/postgres';
import { openDatabase } from './database';
import { migrations } from './migrate';

describeBackends('migrations over existing data', (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function databaseAt(last: string) {
    const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-migrate-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    let databaseUrl: string | undefined;
    let db: Kysely<unknown>;
    if (backend === 'postgres') {
      const created = await createDatabase(inject('pgUrl')!);
      cleanups.push(created.drop);
      databaseUrl = created.url;
      db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }) });
    } else db = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(join(dataDir, 'userdeck.db')) }) });
    const upTo = Object.entries(migrations).filter(([name]) => name <= last);
    const migrator = new Migrator({
      db,
      provider: {
        getMigrations: async () =>
          Object.fromEntries(upTo.map(([name, m]): [string, Migration] => [name, { up: (k) => m.up(k, backend) }])),
      },
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    return { db, dataDir, databaseUrl };
  }

  it('006 mirrors the secondary SCIM emails and phones kept before it into user_contacts', async () => {
    const { db, dataDir, databaseUrl } = await databaseAt('005-stats-index');
    const user = (id: string, scim: unknown) =>
      sql`insert into users (id, username, username_lower, first_name, last_name, created_at, updated_at, sort_name,
        search_text, scim_attributes) values (${id}, ${id}, ${id}, 'F', 'L', '2024-01-01T00:00:00.000Z',
        '2024-01-01T00:00:00.000Z', 'l f', 'f l', ${scim === null ? null : JSON.stringify(scim)})`.execute(db);
    await user('u1', {
      core: {
        title: 'Kept',
        emails: [{ value: ' Second@Example.ORG ', type: 'home' }, { value: '' }],
        phoneNumbers: [{ value: '+1 555 0101', type: 'mobile' }, { value: '+1 555 0102' }],
      },
    });
    await user('u2', null);
    await user('u3', { enterprise: { department: 'Sales' } });
    await db.destroy();

    const opened = await openDatabase({ dataDir, databaseUrl });
    try {
      const rows = await opened.kysely
        .selectFrom('user_contacts')
        .select(['user_id', 'kind', 'position', 'value', 'value_lower', 'type'])
        .orderBy('user_id')
        .orderBy('kind')
        .orderBy('position')
        .execute();
      expect(rows).toEqual([
        {
          user_id: 'u1',
          kind: 'email',
          position: 0,
          value: 'Second@Example.ORG',
          value_lower: 'second@example.org',
          type: 'home',
        },
        { user_id: 'u1', kind: 'phone', position: 0, value: '+1 555 0101', value_lower: '+1 555 0101', type: 'mobile' },
        { user_id: 'u1', kind: 'phone', position: 1, value: '+1 555 0102', value_lower: '+1 555 0102', type: null },
      ]);
      const types = await opened.kysely.selectFrom('users').select(['email_type', 'phone_type']).where('id', '=', 'u1').execute();
      expect(types).toEqual([{ email_type: null, phone_type: null }]);
    } finally {
      await opened.close();
    }
  });
});
