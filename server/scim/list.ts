/**
 * SCIM list and search (RFC 7644 §3.4.2): filter compiled to SQL, sortBy/sortOrder, 1-based
 * startIndex/count, and keyset cursors (RFC 9865: `cursor`, `nextCursor`, `previousCursor`).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { ServerContext } from '../context';
import type { StoredField } from '../custom-fields/store';
import { ApiError } from '../errors';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { compileFilter, type Resolver, type Sql } from './filter/compile';
import { parseAttrPath, parseFilter } from './filter/parse';
import { groupResolver, groupSortExpression } from './group-filter';
import { userResolver, userSortExpression } from './user-filter';

const int = (name: string) =>
  z
    .union([z.number(), z.string()])
    .transform((v, c) => {
      const n = typeof v === 'number' ? v : /^-?\d{1,12}$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isInteger(n)) {
        c.addIssue({ code: 'custom', message: `${name} must be an integer` });
        return z.NEVER;
      }
      return n;
    })
    .optional();

export const listParamsSchema = z.object({
  filter: z.string().optional(),
  sortBy: z.string().max(300).optional(),
  sortOrder: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['ascending', 'descending']))
    .optional(),
  startIndex: int('startIndex'),
  count: int('count'),
  cursor: z.string().max(1000).optional(),
  attributes: z.string().max(4000).optional(),
  excludedAttributes: z.string().max(4000).optional(),
});
export type ListParams = z.infer<typeof listParamsSchema>;

export interface ListPage {
  ids: string[];
  total: number;
  startIndex: number;
  nextCursor?: string;
  previousCursor?: string;
}

const invalidCursor = () =>
  new ApiError(400, 'invalidCursor', 'the cursor is not valid for this query', { scimType: 'invalidValue' });

export async function listResources(
  ctx: ServerContext,
  kind: 'users' | 'groups',
  params: ListParams,
  fields: StoredField[],
  urns: string[],
): Promise<ListPage> {
  const db = ctx.db.kysely;
  const limits = { maxLength: ctx.limits.filterMaxLength, maxDepth: ctx.limits.filterMaxDepth, urns };
  const resolver: Resolver = kind === 'users' ? userResolver(fields, ctx.db.dialect) : groupResolver;
  const table = kind === 'users' ? sql`users` : sql`groups`;
  const where: Sql[] = kind === 'users' ? [sql`users.deleted_at is null`] : [];
  if (params.filter !== undefined) where.push(compileFilter(parseFilter(params.filter, limits), resolver, ctx.db));
  const sortPath = params.sortBy ? parseAttrPath(params.sortBy, urns, 'invalidFilter') : null;
  const expr: Sql = sortPath
    ? kind === 'users'
      ? userSortExpression(sortPath)
      : groupSortExpression(sortPath)
    : kind === 'users'
      ? sql`users.seq`
      : sql`groups.created_at`;
  const idCol = kind === 'users' ? sql`users.id` : sql`groups.id`;
  const desc = params.sortOrder === 'descending';
  const count = Math.min(Math.max(params.count ?? 100, 0), ctx.limits.scimCountMax);
  const sortKey = `${params.sortBy ?? ''}`;
  const order = desc ? 'desc' : 'asc';
  const conditions = [...where];
  let offset = 0;
  let backwards = false;
  const cursorMode = params.cursor !== undefined;
  if (cursorMode && params.startIndex !== undefined)
    throw new ApiError(400, 'invalidValue', 'use either startIndex or cursor, not both', { scimType: 'invalidValue' });
  if (cursorMode && params.cursor !== '') {
    const cursor = decodeCursor(params.cursor!);
    if (!cursor || cursor.s !== `${kind}:${sortKey}` || cursor.o !== order) throw invalidCursor();
    backwards = cursor.d === 'prev';
    const ascending = desc === backwards;
    conditions.push(
      ascending ? sql`(${expr}, ${idCol}) > (${cursor.v}, ${cursor.id})` : sql`(${expr}, ${idCol}) < (${cursor.v}, ${cursor.id})`,
    );
  } else if (!cursorMode) offset = Math.max((params.startIndex ?? 1) - 1, 0);
  const ascending = desc === backwards;
  const dir = ascending ? sql`asc` : sql`desc`;
  const whereSql = conditions.length ? sql.join(conditions, sql` and `) : sql`1 = 1`;
  const rows =
    count === 0
      ? []
      : (
          await sql<{ id: string; k: string | number }>`select ${idCol} as id, ${expr} as k from ${table}
            where ${whereSql} order by ${expr} ${dir}, ${idCol} ${dir} limit ${count + 1} offset ${offset}`.execute(db)
        ).rows;
  let page = rows.slice(0, count);
  const more = rows.length > count;
  if (backwards) page = page.reverse();
  let total: number;
  if (kind === 'users' && params.filter === undefined) {
    const counts = await db
      .selectFrom('user_counts')
      .select(['bucket', 'n'])
      .where('bucket', 'in', ['active', 'inactive'])
      .execute();
    total = counts.reduce((sum, r) => sum + Number(r.n), 0);
  } else {
    const whereBase = where.length ? sql.join(where, sql` and `) : sql`1 = 1`;
    const result = await sql<{ n: number | string }>`select count(*) as n from ${table} where ${whereBase}`.execute(db);
    total = Number(result.rows[0]?.n ?? 0);
  }
  const out: ListPage = { ids: page.map((r) => r.id), total, startIndex: cursorMode ? 1 : offset + 1 };
  if (cursorMode) {
    const mk = (row: { id: string; k: string | number }, d: 'next' | 'prev') =>
      encodeCursor({ s: `${kind}:${sortKey}`, o: order, v: row.k, id: row.id, d });
    const first = page[0];
    const last = page[page.length - 1];
    if ((backwards || more) && last) out.nextCursor = mk(last, 'next');
    if ((backwards ? more : params.cursor !== '') && first) out.previousCursor = mk(first, 'prev');
  }
  return out;
}
