import { describe, expect, it } from 'vitest';
import { isCi, postgresPlan } from '../helpers/postgres-global-setup';

const missing = () => ({ dir: null, reason: 'initdb not found' }) as const;
const found = () => ({ dir: '/usr/lib/postgresql/16/bin' }) as const;

describe('the PostgreSQL test setup', () => {
  it('skips PostgreSQL without binaries on a developer machine', () => {
    expect(postgresPlan({}, missing)).toEqual({ kind: 'skip', reason: 'initdb not found' });
    expect(postgresPlan({ CI: 'false' }, missing).kind).toBe('skip');
    expect(postgresPlan({ CI: '' }, missing).kind).toBe('skip');
  });

  it('fails the run in CI when there is no PostgreSQL to test against, saying why', () => {
    expect(() => postgresPlan({ CI: 'true' }, missing)).toThrow(/CI is set.*initdb not found/);
    expect(() => postgresPlan({ CI: '1' }, missing)).toThrow(/USERDECK_TEST_PG_URL/);
  });

  it('starts a cluster when the binaries are there, or uses the given one', () => {
    expect(postgresPlan({ CI: 'true' }, found)).toEqual({ kind: 'start' });
    expect(postgresPlan({ CI: 'true', USERDECK_TEST_PG_URL: 'postgres://x/y' }, missing)).toEqual({
      kind: 'existing',
      url: 'postgres://x/y',
    });
  });

  it('reads CI the way CI services set it', () => {
    expect(['true', '1', 'github', 'TRUE'].map((CI) => isCi({ CI }))).toEqual([true, true, true, true]);
    expect(['0', 'false', 'False', '', undefined].map((CI) => isCi({ CI }))).toEqual([false, false, false, false, false]);
  });
});
