/**
 * vitest globalSetup: one throw-away PostgreSQL cluster for the whole run, handed to the tests as
 * `inject('pgUrl')`. `USERDECK_TEST_PG_URL` uses an existing cluster instead. When the binaries are
 * missing, the PostgreSQL variants of the suites are skipped and the reason is printed.
 */
import type { TestProject } from 'vitest/node';
import { postgresBinaries, startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.USERDECK_TEST_PG_URL) {
    project.provide('pgUrl', process.env.USERDECK_TEST_PG_URL);
    return;
  }
  const bins = postgresBinaries();
  if (!bins.dir) {
    console.warn(`\n[postgres] skipping the PostgreSQL variants of the server tests: ${bins.reason}\n`);
    project.provide('pgUrl', null);
    return;
  }
  const cluster = await startPostgres();
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
