import type { Background } from './background/types';
import type { Clock } from './clock';
import type { Db } from './db/database';

export interface Limits {
  pageSizeMax: number;
  batchMax: number;
  lookupMax: number;
  /** Counting a filtered list stops here (the total is then a lower bound, `totalExact: false`). */
  countLimit: number;
  /** A filtered list with at most this many matches is read from the filter's index, not in sort order. */
  sparseLimit: number;
  scimCountMax: number;
  bulkMaxOperations: number;
  bulkMaxPayload: number;
  bodyMax: number;
  filterMaxLength: number;
  filterMaxDepth: number;
  /** Admin API sign-ins a minute from one client address (then 429). */
  loginAttemptsPerMinute: number;
}

export const defaultLimits: Limits = {
  pageSizeMax: 500,
  batchMax: 1000,
  lookupMax: 1000,
  countLimit: 10_000,
  sparseLimit: 2000,
  scimCountMax: 1000,
  bulkMaxOperations: 1000,
  bulkMaxPayload: 4 * 1024 * 1024,
  bodyMax: 1024 * 1024,
  filterMaxLength: 4096,
  filterMaxDepth: 32,
  loginAttemptsPerMinute: 100,
};

/** What every route and service of one server instance shares. */
export interface ServerContext {
  db: Db;
  clock: Clock;
  limits: Limits;
  version: string;
  /** Job chunks and sweeps (pg-boss on PostgreSQL, in-process on SQLite); set once the server listens. */
  background: Background;
}
