import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Exact user counts per tag, group and role and per status bucket (active, inactive, trash), kept by
 * triggers like `user_counts`: the total of a list filtered by one tag, group or role (and a status)
 * is then one lookup, where counting the matches would read every one of them.
 *
 * The relation tables' triggers count the rows written; a user's status change moves the user's
 * relations between buckets; a user's deletion takes them off before the cascade removes the rows
 * (the cascaded rows' own triggers no longer find the user and change nothing). PostgreSQL counts
 * each statement's rows at once (transition tables), so a bulk import adds one update per tag, not
 * one per row, and takes the counter rows' locks in one order.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const statements = [
    `create table relation_counts (kind text not null, ref_id text not null, bucket text not null,
       n integer not null, primary key (kind, ref_id, bucket))${pg ? '' : ' without rowid'}`,
    ...(pg ? postgresOnly : sqliteOnly),
    // Existing rows, counted once.
    `insert into relation_counts (kind, ref_id, bucket, n)
       ${relations
         .map(
           (r) => `select '${r.kind}', x.${r.column}, ${bucket('u')}, count(*) from ${r.table} x
             join users u on u.id = x.user_id group by x.${r.column}, ${bucket('u')}`,
         )
         .join(' union all ')}`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const relations = [
  { table: 'user_tags', kind: 'tag', column: 'tag_id', parent: 'tags' },
  { table: 'group_members', kind: 'group', column: 'group_id', parent: 'groups' },
  { table: 'user_roles', kind: 'role', column: 'role_id', parent: 'roles' },
] as const;

/** The same buckets as `user_counts`. */
const bucket = (row: string) =>
  `(case when ${row}.deleted_at is not null then 'trash' when ${row}.active = 1 then 'active' else 'inactive' end)`;

const sqliteOnly = [
  ...relations.flatMap((r) => {
    const add = (row: 'new') => `insert into relation_counts (kind, ref_id, bucket, n)
         select '${r.kind}', ${row}.${r.column}, ${bucket('u')}, 1 from users u where u.id = ${row}.user_id
         on conflict (kind, ref_id, bucket) do update set n = n + 1;`;
    const take = (row: 'old') => `update relation_counts set n = n - 1 where kind = '${r.kind}'
         and ref_id = ${row}.${r.column} and bucket = (select ${bucket('u')} from users u where u.id = ${row}.user_id);`;
    return [
      `create trigger ${r.table}_counts_ai after insert on ${r.table} begin ${add('new')} end`,
      `create trigger ${r.table}_counts_ad after delete on ${r.table} begin ${take('old')} end`,
      `create trigger ${r.table}_counts_au after update on ${r.table} begin ${take('old')} ${add('new')} end`,
      `create trigger ${r.parent}_counts_ad after delete on ${r.parent} begin
         delete from relation_counts where kind = '${r.kind}' and ref_id = old.id; end`,
    ];
  }),
  `create trigger users_relation_counts_au after update of active, deleted_at on users
     when ${bucket('old')} <> ${bucket('new')} begin
     ${relations
       .map(
         (r) => `update relation_counts set n = n - 1 where kind = '${r.kind}' and bucket = ${bucket('old')}
           and ref_id in (select ${r.column} from ${r.table} where user_id = old.id);
         insert into relation_counts (kind, ref_id, bucket, n)
           select '${r.kind}', ${r.column}, ${bucket('new')}, 1 from ${r.table} where user_id = new.id
           on conflict (kind, ref_id, bucket) do update set n = n + 1;`,
       )
       .join('\n')}
   end`,
  `create trigger users_relation_counts_bd before delete on users begin
     ${relations
       .map(
         (r) => `update relation_counts set n = n - 1 where kind = '${r.kind}' and bucket = ${bucket('old')}
           and ref_id in (select ${r.column} from ${r.table} where user_id = old.id);`,
       )
       .join('\n')}
   end`,
];

const postgresOnly = [
  `create function userdeck_relation_counts_forget() returns trigger language plpgsql as $$
   begin
     delete from relation_counts where kind = tg_argv[0] and ref_id = old.id;
     return null;
   end $$`,
  ...relations.flatMap((r) => [
    `create function userdeck_${r.table}_counts() returns trigger language plpgsql as $$
     begin
       if tg_op in ('DELETE', 'UPDATE') then
         update relation_counts c set n = c.n - d.n
           from (select o.${r.column} as ref_id, ${bucket('u')} as bucket, count(*) as n
                 from old_rows o join users u on u.id = o.user_id group by 1, 2) d
           where c.kind = '${r.kind}' and c.ref_id = d.ref_id and c.bucket = d.bucket;
       end if;
       if tg_op in ('INSERT', 'UPDATE') then
         insert into relation_counts (kind, ref_id, bucket, n)
           select '${r.kind}', i.${r.column}, ${bucket('u')}, count(*)
           from new_rows i join users u on u.id = i.user_id group by 2, 3 order by 2, 3
           on conflict (kind, ref_id, bucket) do update set n = relation_counts.n + excluded.n;
       end if;
       return null;
     end $$`,
    `create trigger ${r.table}_counts_ai after insert on ${r.table} referencing new table as new_rows
       for each statement execute function userdeck_${r.table}_counts()`,
    `create trigger ${r.table}_counts_ad after delete on ${r.table} referencing old table as old_rows
       for each statement execute function userdeck_${r.table}_counts()`,
    `create trigger ${r.table}_counts_au after update on ${r.table} referencing old table as old_rows new table as new_rows
       for each statement execute function userdeck_${r.table}_counts()`,
    `create trigger ${r.parent}_counts_ad after delete on ${r.parent} for each row
       execute function userdeck_relation_counts_forget('${r.kind}')`,
  ]),
  `create function userdeck_user_relation_counts() returns trigger language plpgsql as $$
   begin
     ${relations
       .map(
         (r) => `update relation_counts set n = n - 1 where kind = '${r.kind}' and bucket = ${bucket('old')}
           and ref_id in (select ${r.column} from ${r.table} where user_id = old.id);`,
       )
       .join('\n')}
     if tg_op = 'DELETE' then return old; end if;
     ${relations
       .map(
         (r) => `insert into relation_counts (kind, ref_id, bucket, n)
           select '${r.kind}', ${r.column}, ${bucket('new')}, count(*) from ${r.table} where user_id = new.id
           group by ${r.column} order by ${r.column}
           on conflict (kind, ref_id, bucket) do update set n = relation_counts.n + excluded.n;`,
       )
       .join('\n')}
     return new;
   end $$`,
  `create trigger users_relation_counts_au after update of active, deleted_at on users for each row
     when (${bucket('old')} is distinct from ${bucket('new')}) execute function userdeck_user_relation_counts()`,
  `create trigger users_relation_counts_bd before delete on users for each row
     execute function userdeck_user_relation_counts()`,
];
