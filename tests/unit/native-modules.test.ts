/** The native modules must be built: a skipped install script leaves them without their .node file. */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type Keytar from 'keytar';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('native modules', () => {
  it('loads better-sqlite3 and runs a query', () => {
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(':memory:');
    expect(db.prepare('select sqlite_version() as v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    db.close();
  });

  it('loads keytar and round-trips a secret through the real keychain', async () => {
    const keytar = require('keytar') as typeof Keytar;
    const service = `userdeck-test-${process.pid}`;
    await keytar.setPassword(service, 'probe', 'p4ss-wörd');
    expect(await keytar.getPassword(service, 'probe')).toBe('p4ss-wörd');
    expect(await keytar.deletePassword(service, 'probe')).toBe(true);
    expect(await keytar.getPassword(service, 'probe')).toBeNull();
  });
});
