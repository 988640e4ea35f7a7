import { sql, type Kysely } from 'kysely';
import { contactRows } from '../../users/contacts';
import type { Dialect } from '../dialect';

/**
 * SCIM email and phone types, and filters on every email and phone in SQL. The primary email and
 * phone keep their SCIM type (`home`, Entra's `mobile`…) beside them; the other ones, kept as they
 * came in `scim_attributes`, get a row each in `user_contacts`, indexed by lowered value.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const c = dialect === 'postgres' ? 'collate "C"' : '';
  for (const statement of [
    `alter table users add column email_type text`,
    `alter table users add column phone_type text`,
    `create table user_contacts (user_id text not null references users(id) on delete cascade, kind text not null,
       position integer not null, value text not null, value_lower text ${c} not null, type text,
       primary key (user_id, kind, position))`,
    `create index user_contacts_value on user_contacts (kind, value_lower, user_id)`,
  ])
    await sql.raw(statement).execute(db);
  // Users provisioned before this migration: their kept lists, a page at a time.
  let after = '';
  for (;;) {
    const page = await sql<{ id: string; scim_attributes: string }>`select id, scim_attributes from users
      where scim_attributes is not null and id > ${after} order by id limit 500`.execute(db);
    if (page.rows.length === 0) break;
    const rows = page.rows.flatMap((r) => contactRows(r.id, JSON.parse(r.scim_attributes)));
    for (let i = 0; i < rows.length; i += 500)
      await sql`insert into user_contacts (user_id, kind, position, value, value_lower, type) values ${sql.join(
        rows.slice(i, i + 500).map((r) => sql`(${r.user_id}, ${r.kind}, ${r.position}, ${r.value}, ${r.value_lower}, ${r.type})`),
      )}`.execute(db);
    after = page.rows[page.rows.length - 1]!.id;
  }
}
