/**
 * vitest globalSetup: one throw-away PostgreSQL cluster for the whole run, handed to the tests as
 * `inject('pgUrl')`. `USERDECK_TEST_PG_URL` uses an existing cluster instead. When the binaries are
 * missing, the PostgreSQL variants of the suites are skipped and the reason is printed, except in CI
 * (the `CI` environment variable set), where a silently halved suite would pass: there the run fails.
 */
import type { TestProject } from 'vitest/node';
import { postgresBinaries, startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export type PostgresPlan = { kind: 'existing'; url: string } | { kind: 'start' } | { kind: 'skip'; reason: string };

/** `CI=true`, `CI=1`, `CI=github`… count; unset, empty, `0` and `false` do not. */
export const isCi = (env: NodeJS.ProcessEnv): boolean => !!env.CI && !/^(0|false)$/i.test(env.CI.trim());

/** What the run does for PostgreSQL; throws in CI when it has no cluster to test against. */
export function postgresPlan(env: NodeJS.ProcessEnv, binaries: typeof postgresBinaries = postgresBinaries): PostgresPlan {
  if (env.USERDECK_TEST_PG_URL) return { kind: 'existing', url: env.USERDECK_TEST_PG_URL };
  const bins = binaries();
  if (bins.dir !== null) return { kind: 'start' };
  if (isCi(env))
    throw new Error(
      `[postgres] CI is set but the server suites cannot run on PostgreSQL: ${bins.reason}. ` +
        'Install PostgreSQL (scripts/setup-system.sh) or point USERDECK_TEST_PG_URL at a cluster.',
    );
  return { kind: 'skip', reason: bins.reason };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const plan = postgresPlan(process.env);
  if (plan.kind === 'existing') {
    project.provide('pgUrl', plan.url);
    return;
  }
  if (plan.kind === 'skip') {
    console.warn(`\n[postgres] skipping the PostgreSQL variants of the server tests: ${plan.reason}\n`);
    project.provide('pgUrl', null);
    return;
  }
  const cluster = await startPostgres();
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
