import { sql, type Kysely, type RawBuilder } from 'kysely';
import { customFieldFilters, type UserListQuery } from '../../common/users/query';
import { parseBoolean, parseIsoDate, parseNumber } from '../../common/users/validation';
import type { Dialect } from '../db/dialect';
import type { Database } from '../db/schema';
import { badRequest } from '../errors';
import { decodeCursor, encodeCursor, type Cursor } from '../http/cursor';
import { loadFields } from '../custom-fields/store';
import { segmentQuery } from '../segments/store';
import { escapeLike, fold, minTrigramLength } from './text';

type Sql = RawBuilder<unknown>;

/** The sort keys of the users list and the indexed expression each one orders by. */
const sortExpressions: Record<UserListQuery['sort'], Sql> = {
  name: sql`users.sort_name`,
  username: sql`users.username_lower`,
  email: sql`coalesce(users.email_lower, '')`,
  createdAt: sql`users.created_at`,
  lastLoginAt: sql`coalesce(users.last_login_at, '')`,
  loginCount: sql`users.login_count`,
};
const sortColumns: Record<UserListQuery['sort'], string> = {
  name: 'sort_name',
  username: 'username_lower',
  email: 'email_lower',
  createdAt: 'created_at',
  lastLoginAt: 'last_login_at',
  loginCount: 'login_count',
};

/** The highest code point: `x >= t and x < t || top` is the indexed form of "starts with t". */
const top = String.fromCodePoint(0x10ffff);

export interface ListOptions {
  dialect: Dialect;
  now: string;
  /** Counting stops here; a larger total is reported as this number with `totalExact: false`. */
  countLimit: number;
  /** Up to this many matches, the page is read from the filter's index (`set` form). */
  sparseLimit: number;
}

export interface IdPage {
  ids: string[];
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
  prevCursor: string | null;
}

function dayStart(value: string, field: string): string {
  const day = parseIsoDate(value);
  if (!day) throw badRequest(`${field} is not a date: "${value}"`, [{ field, code: 'date', params: { value } }]);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${day}T00:00:00.000Z` : new Date(value).toISOString();
}
function dayEnd(value: string, field: string): string {
  const start = dayStart(value, field);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(Date.parse(start) + 86_400_000 - 1).toISOString() : start;
}

const and = (parts: Sql[]): Sql => (parts.length ? sql.join(parts, sql` and `) : sql`1 = 1`);

/**
 * How relation and search filters are written. `probe` (correlated EXISTS, LIKE on the row) suits a
 * page of a dense result: the sort index is walked and each row checked until the page is full.
 * `set` (IN over the tag, group or search index) suits counting and sparse results: only the
 * matching rows are visited. The list chooses per query from the (capped) count.
 */
export type ConditionForm = 'probe' | 'set';

/** Compiles every filter of the query to SQL conditions on `users` (nothing is filtered in memory). */
export async function userConditions(
  db: Kysely<Database>,
  query: UserListQuery,
  options: ListOptions,
  form: ConditionForm = 'set',
): Promise<Sql[]> {
  const member = (table: string, column: string, ids: string[]) =>
    form === 'probe'
      ? sql`exists (select 1 from ${sql.table(table)} r where r.user_id = users.id and r.${sql.ref(column)} in (${sql.join(ids)}))`
      : sql`users.id in (select r.user_id from ${sql.table(table)} r where r.${sql.ref(column)} in (${sql.join(ids)}))`;
  const where: Sql[] = [];
  const status = query.status;
  where.push(status === 'trash' ? sql`users.deleted_at is not null` : sql`users.deleted_at is null`);
  if (status === 'active') where.push(sql`users.active = 1`);
  if (status === 'inactive') where.push(sql`users.active = 0`);
  if (status === 'banned') where.push(sql`users.active = 0 and users.inactive_reason = 'banned'`);
  if (status === 'expired')
    where.push(sql`(users.inactive_reason = 'expired' or (users.expires_at is not null and users.expires_at <= ${options.now}))`);
  if (query.verified !== undefined) where.push(sql`users.email_verified = ${query.verified ? 1 : 0}`);
  if (query.external !== undefined) where.push(sql`users.external = ${query.external ? 1 : 0}`);
  if (query.source) where.push(sql`users.source = ${query.source}`);
  if (query.registeredFrom) where.push(sql`users.created_at >= ${dayStart(query.registeredFrom, 'registeredFrom')}`);
  if (query.registeredTo) where.push(sql`users.created_at <= ${dayEnd(query.registeredTo, 'registeredTo')}`);
  if (query.lastLoginFrom) where.push(sql`users.last_login_at >= ${dayStart(query.lastLoginFrom, 'lastLoginFrom')}`);
  if (query.lastLoginTo) where.push(sql`users.last_login_at <= ${dayEnd(query.lastLoginTo, 'lastLoginTo')}`);
  if (query.connected === 'never') where.push(sql`users.last_login_at is null`);
  if (query.connected === 'ever') where.push(sql`users.last_login_at is not null`);
  if (query.enrollment === 'joined') where.push(sql`(users.enrollment = 'accepted' or users.last_login_at is not null)`);
  if (query.enrollment === 'invited') where.push(sql`users.enrollment in ('sent', 'expired') and users.last_login_at is null`);
  if (query.enrollment === 'notPossible') where.push(sql`users.enrollment = 'not_possible'`);
  if (query.enrollment === 'none') where.push(sql`users.enrollment = 'none' and users.last_login_at is null`);
  // A segment is a saved filter: its conditions join the query's (segments do not nest).
  if (query.segment) where.push(...(await userConditions(db, await segmentQuery(db, query.segment), options, form)));

  if (query.role?.length) {
    const rows = await db
      .selectFrom('roles')
      .select(['id', 'key'])
      .where((eb) => eb.or([eb('key', 'in', query.role!), eb('id', 'in', query.role!)]))
      .execute();
    const unknown = query.role.filter((r) => !rows.some((row) => row.key === r || row.id === r));
    if (unknown.length)
      throw badRequest(`unknown role: ${unknown.join(', ')}`, [
        { field: 'role', code: 'unknownRole', params: { value: unknown.join(', ') } },
      ]);
    where.push(
      sql`exists (select 1 from user_roles ur where ur.user_id = users.id and ur.role_id in (${sql.join(rows.map((r) => r.id))}))`,
    );
  }
  if (query.group?.length) {
    const rows = await db
      .selectFrom('groups')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('id', 'in', query.group!),
          eb(
            'name_lower',
            'in',
            query.group!.map((g) => g.toLowerCase()),
          ),
        ]),
      )
      .execute();
    where.push(
      rows.length
        ? member(
            'group_members',
            'group_id',
            rows.map((r) => r.id),
          )
        : sql`1 = 0`,
    );
  }
  if (query.tags?.length || query.tagsMode === 'missing') {
    const names = (query.tags ?? []).map((t) => t.toLowerCase());
    const rows = names.length ? await db.selectFrom('tags').select('id').where('name_lower', 'in', names).execute() : [];
    const ids = rows.map((r) => r.id);
    const has = (list: string[]) => member('user_tags', 'tag_id', list);
    if (query.tagsMode === 'missing') {
      if (names.length === 0) where.push(sql`not exists (select 1 from user_tags ut where ut.user_id = users.id)`);
      else if (ids.length) where.push(sql`not ${has(ids)}`);
    } else if (query.tagsMode === 'all') {
      if (ids.length < new Set(names).size) where.push(sql`1 = 0`);
      else for (const id of ids) where.push(has([id]));
    } else where.push(ids.length ? has(ids) : sql`1 = 0`);
  }
  const custom = customFieldFilters(query);
  if (Object.keys(custom).length) {
    const fields = await loadFields(db);
    for (const [key, raw] of Object.entries(custom)) {
      const field = fields.find((f) => f.key === key);
      if (!field) throw badRequest(`unknown custom field "${key}"`, [{ field: `cf.${key}`, code: 'unknownField' }]);
      where.push(customCondition(field.id, field.type, key, raw, form));
    }
  }
  const q = query.q?.trim();
  if (q) where.push(searchCondition(q, options.dialect, form));
  return where;
}

function customCondition(fieldId: string, type: string, key: string, raw: string, form: ConditionForm): Sql {
  const value = (cond: Sql) =>
    form === 'probe'
      ? sql`exists (select 1 from user_field_values v where v.user_id = users.id and v.field_id = ${fieldId} and ${cond})`
      : sql`users.id in (select v.user_id from user_field_values v where v.field_id = ${fieldId} and ${cond})`;
  if (raw === '')
    return sql`not exists (select 1 from user_field_values v where v.user_id = users.id and v.field_id = ${fieldId})`;
  const field = `cf.${key}`;
  if (type === 'number' || type === 'date') {
    const range = /^(.*)\.\.(.*)$/.exec(raw);
    const parse = (s: string) => {
      if (type === 'number') {
        const n = parseNumber(s);
        if (n === null) throw badRequest(`${field}: "${s}" is not a number`, [{ field, code: 'number', params: { value: s } }]);
        return n;
      }
      const d = parseIsoDate(s);
      if (d === null) throw badRequest(`${field}: "${s}" is not a date`, [{ field, code: 'date', params: { value: s } }]);
      return d;
    };
    const column = type === 'number' ? sql`v.value_num` : sql`v.value_text`;
    if (range) {
      const parts: Sql[] = [];
      if (range[1]) parts.push(sql`${column} >= ${parse(range[1])}`);
      if (range[2]) parts.push(sql`${column} <= ${parse(range[2])}`);
      return value(and(parts));
    }
    return value(sql`${column} = ${parse(raw)}`);
  }
  if (type === 'boolean') {
    const b = parseBoolean(raw);
    if (b === null)
      throw badRequest(`${field}: "${raw}" is not true or false`, [{ field, code: 'boolean', params: { value: raw } }]);
    return value(sql`v.value_norm = ${String(b)}`);
  }
  return value(sql`v.value_norm = ${raw.toLowerCase()}`);
}

/**
 * Text search over names, username, email and custom text: words of three characters or more go
 * through the trigram index (FTS5 in SQLite, pg_trgm GIN in PostgreSQL); when every word is
 * shorter, the indexed prefix ranges of username, email and last name are used instead. In `probe`
 * form (a dense result, read in sort order) SQLite checks each row's own search text instead.
 */
export function searchCondition(q: string, dialect: Dialect, form: ConditionForm = 'set'): Sql {
  const words = fold(q).split(/\s+/).filter(Boolean);
  const long = words.filter((w) => [...w].length >= minTrigramLength);
  const short = words.filter((w) => [...w].length < minTrigramLength);
  const like = (w: string) => sql`users.search_text like ${`%${escapeLike(w)}%`} escape '\\'`;
  if (long.length === 0) {
    const prefix = (w: string) =>
      form === 'probe'
        ? sql`((users.username_lower >= ${w} and users.username_lower < ${w + top})
            or (users.email_lower >= ${w} and users.email_lower < ${w + top})
            or (users.sort_name >= ${w} and users.sort_name < ${w + top}))`
        : sql`users.id in (
            select p.id from users p where p.username_lower >= ${w} and p.username_lower < ${w + top}
            union select p.id from users p where p.email_lower >= ${w} and p.email_lower < ${w + top}
            union select p.id from users p where p.deleted_at is null and p.sort_name >= ${w} and p.sort_name < ${w + top})`;
    return and(short.map(prefix));
  }
  const parts: Sql[] = [];
  if (dialect === 'sqlite' && form === 'set') {
    const match = long.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
    parts.push(sql`users.seq in (select rowid from users_fts where users_fts match ${match})`);
  } else for (const w of long) parts.push(like(w));
  for (const w of short) parts.push(like(w));
  return and(parts);
}

/** Pages the matching user ids in SQL: by keyset cursor when given, else by page number. */
export async function listUserIds(db: Kysely<Database>, query: UserListQuery, options: ListOptions): Promise<IdPage> {
  const setWhere = await userConditions(db, query, options, 'set');
  const { total, exact } = await countUsers(db, query, setWhere, options);
  const where = exact && total <= options.sparseLimit ? setWhere : await userConditions(db, query, options, 'probe');
  const expr = sortExpressions[query.sort];
  const desc = query.order === 'desc';
  let cursor: Cursor | null = null;
  if (query.cursor) {
    cursor = decodeCursor(query.cursor);
    if (!cursor || cursor.s !== query.sort || cursor.o !== query.order)
      throw badRequest('the cursor does not belong to this sort order; start again from the first page', [
        { field: 'cursor', code: 'invalid' },
      ]);
  }
  const conditions = [...where];
  // Going back reads the reversed order from the cursor, then turns the rows round.
  const backwards = cursor?.d === 'prev';
  const ascending = desc === backwards;
  if (cursor) {
    const v = cursor.v;
    conditions.push(
      ascending ? sql`(${expr}, users.id) > (${v}, ${cursor.id})` : sql`(${expr}, users.id) < (${v}, ${cursor.id})`,
    );
  }
  const dir = ascending ? sql`asc` : sql`desc`;
  const offset = cursor ? 0 : (query.page - 1) * query.pageSize;
  const rows = await sql<{ id: string; k: string | number }>`
    select users.id, ${expr} as k from users where ${and(conditions)}
    order by ${expr} ${dir}, users.id ${dir} limit ${query.pageSize + 1} offset ${offset}`.execute(db);
  let items = rows.rows.slice(0, query.pageSize);
  const more = rows.rows.length > query.pageSize;
  if (backwards) items = items.reverse();
  const first = items[0];
  const last = items[items.length - 1];
  const hasNext = backwards ? true : more;
  const hasPrev = backwards ? more : cursor !== null || query.page > 1;
  const mk = (row: { id: string; k: string | number }, d: 'next' | 'prev') =>
    encodeCursor({ s: query.sort, o: query.order, v: row.k, id: row.id, d });
  return {
    ids: items.map((r) => r.id),
    total,
    totalExact: exact,
    nextCursor: hasNext && last ? mk(last, 'next') : null,
    prevCursor: hasPrev && first ? mk(first, 'prev') : null,
  };
}

/** The status buckets of the trigger-kept counters that make up each status filter. */
const statusBuckets: Record<string, string[]> = {
  none: ['active', 'inactive'],
  active: ['active'],
  inactive: ['inactive'],
  trash: ['trash'],
};

/** The filters set besides paging, sorting and the status. */
function filtersBesidesStatus(query: UserListQuery): string[] {
  return Object.entries(query)
    .filter(([k, v]) => v !== undefined && !['sort', 'order', 'page', 'pageSize', 'cursor', 'tagsMode', 'status'].includes(k))
    .map(([k]) => k);
}

/**
 * The exact total from the trigger-kept counters when they hold it, else null: no filter but a
 * counted status (`user_counts`), or one tag, group or role besides it (`relation_counts`).
 */
async function countedTotal(db: Kysely<Database>, query: UserListQuery): Promise<number | null> {
  const buckets = statusBuckets[query.status ?? 'none'];
  if (!buckets) return null;
  const others = filtersBesidesStatus(query);
  const statusTotal = async () => {
    const rows = await db.selectFrom('user_counts').select(['bucket', 'n']).where('bucket', 'in', buckets).execute();
    return rows.reduce((sum, r) => sum + Number(r.n), 0);
  };
  if (others.length === 0) return query.tagsMode === 'missing' ? null : statusTotal();
  if (others.length !== 1) return null;
  let kind: 'tag' | 'group' | 'role';
  let refs: { id: string }[];
  if (others[0] === 'tags') {
    const names = [...new Set((query.tags ?? []).map((t) => t.toLowerCase()))];
    if (names.length !== 1) return null;
    kind = 'tag';
    refs = await db.selectFrom('tags').select('id').where('name_lower', '=', names[0]!).execute();
  } else if (others[0] === 'group' && query.group?.length === 1) {
    kind = 'group';
    const g = query.group[0]!;
    refs = await db
      .selectFrom('groups')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', g), eb('name_lower', '=', g.toLowerCase())]))
      .execute();
  } else if (others[0] === 'role' && query.role?.length === 1) {
    kind = 'role';
    const r = query.role[0]!;
    refs = await db
      .selectFrom('roles')
      .select('id')
      .where((eb) => eb.or([eb('key', '=', r), eb('id', '=', r)]))
      .execute();
  } else return null;
  // One name matching two rows (a group named like another's id) is left to counting.
  if (refs.length > 1) return null;
  const ref = refs[0];
  const related = ref
    ? (
        await db
          .selectFrom('relation_counts')
          .select('n')
          .where('kind', '=', kind)
          .where('ref_id', '=', ref.id)
          .where('bucket', 'in', buckets)
          .execute()
      ).reduce((sum, r) => sum + Number(r.n), 0)
    : 0;
  if (kind === 'tag' && query.tagsMode === 'missing') return (await statusTotal()) - related;
  return related;
}

/** The one short word of a search that is the query's only filter, else null. */
function onlyShortWord(query: UserListQuery): string | null {
  const others = Object.entries(query).filter(
    ([k, v]) => v !== undefined && !['sort', 'order', 'page', 'pageSize', 'cursor', 'tagsMode', 'q'].includes(k),
  );
  const words = fold(query.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  return others.length === 0 && words.length === 1 && [...words[0]!].length < minTrigramLength ? words[0]! : null;
}

async function countUsers(db: Kysely<Database>, query: UserListQuery, where: Sql[], options: ListOptions) {
  const word = onlyShortWord(query);
  if (word) {
    // A prefix as short as "ma" matches a large share of a big directory: when one of its ranges
    // alone passes the limit, so does their union, and that is known from the partial indexes only.
    const cap = options.countLimit + 1;
    const arms = [
      sql`users.username_lower >= ${word} and users.username_lower < ${word + top}`,
      sql`coalesce(users.email_lower, '') >= ${word} and coalesce(users.email_lower, '') < ${word + top}`,
      sql`users.sort_name >= ${word} and users.sort_name < ${word + top}`,
    ];
    for (const arm of arms) {
      const r = await sql<{ n: number | string }>`
        select count(*) as n from (select 1 from users where users.deleted_at is null and ${arm} limit ${cap}) limited`.execute(
        db,
      );
      if (Number(r.rows[0]?.n ?? 0) >= cap) return { total: options.countLimit, exact: false };
    }
  }
  const counted = await countedTotal(db, query);
  if (counted !== null) return { total: counted, exact: true };
  const result = await sql<{ n: number | string }>`
    select count(*) as n from (select 1 from users where ${and(where)} limit ${options.countLimit + 1}) limited`.execute(db);
  const n = Number(result.rows[0]?.n ?? 0);
  return n > options.countLimit ? { total: options.countLimit, exact: false } : { total: n, exact: true };
}

export { sortColumns };
