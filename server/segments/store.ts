import { sql, type Kysely, type Selectable } from 'kysely';
import type { Segment } from '../../common/api/lifecycle';
import { userListQuerySchema, type UserListQuery } from '../../common/users/query';
import type { Database } from '../db/schema';
import type { SegmentsTable } from '../db/schema-lifecycle';
import { ApiError, badRequest } from '../errors';
import { describeErrors, zodFieldErrors } from '../http/zod-errors';
import { userConditions, type ListOptions } from '../users/list';

/** Query parameters that are about paging or nesting, not about who is in a segment. */
const notFilters = ['sort', 'order', 'page', 'pageSize', 'cursor', 'segment'];

export type SegmentFilter = Record<string, string | string[]>;

/** Parses a segment's filter as the users list parses its query string. */
export function parseSegmentFilter(filter: SegmentFilter): UserListQuery {
  const nested = Object.keys(filter).filter((k) => notFilters.includes(k));
  if (nested.length)
    throw badRequest(
      `a segment filter cannot hold ${nested.join(', ')}`,
      nested.map((k) => ({ field: `filter.${k}`, code: 'unknownField' })),
    );
  const result = userListQuerySchema.safeParse(filter);
  if (!result.success) {
    const errors = zodFieldErrors(result.error, 'filter');
    throw new ApiError(400, 'validation', `invalid segment filter: ${describeErrors(errors)}`, { errors });
  }
  return result.data;
}

/** The stored filter of a segment, by id or name (case-insensitive); 400 when there is none. */
export async function segmentQuery(db: Kysely<Database>, ref: string): Promise<UserListQuery> {
  const row = await db
    .selectFrom('segments')
    .select('filter')
    .where((eb) => eb.or([eb('id', '=', ref), eb('name_lower', '=', ref.toLowerCase())]))
    .executeTakeFirst();
  if (!row) throw badRequest(`unknown segment "${ref}"`, [{ field: 'segment', code: 'notFound', params: { value: ref } }]);
  return parseSegmentFilter(JSON.parse(row.filter) as SegmentFilter);
}

export type CountOptions = ListOptions;

/** How many users a filter matches, counted in SQL (up to the count limit). */
export async function countMatching(
  db: Kysely<Database>,
  query: UserListQuery,
  options: CountOptions,
): Promise<{ count: number; exact: boolean }> {
  const where = await userConditions(db, query, options);
  const result = await sql<{ n: number | string }>`
    select count(*) as n from (select 1 from users where ${sql.join(where, sql` and `)} limit ${options.countLimit + 1}) limited`.execute(
    db,
  );
  const n = Number(result.rows[0]?.n ?? 0);
  return n > options.countLimit ? { count: options.countLimit, exact: false } : { count: n, exact: true };
}

export async function toSegment(db: Kysely<Database>, row: Selectable<SegmentsTable>, options: CountOptions): Promise<Segment> {
  const filter = JSON.parse(row.filter) as SegmentFilter;
  const { count, exact } = await countMatching(db, parseSegmentFilter(filter), options);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    filter,
    count,
    countExact: exact,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
