import { sql } from 'kysely';
import type { StoredField } from '../custom-fields/store';
import type { Dialect } from '../db/dialect';
import { ApiError } from '../errors';
import type { Column, Resolver, Sql, Target } from './filter/compile';
import type { AttrPath } from './filter/parse';
import { enterpriseSchema, userdeckSchema, userSchema } from './schemas';

const unsupported = (path: AttrPath) =>
  new ApiError(
    400,
    'invalidFilter',
    `filtering or sorting on "${[path.urn, path.name].filter(Boolean).join(':')}${path.sub ? `.${path.sub}` : ''}" is not supported`,
    {
      scimType: 'invalidFilter',
    },
  );

const text = (expr: Sql, extra: { caseExact?: boolean; lowered?: boolean } = {}): Column => ({ kind: 'text', expr, ...extra });

/**
 * An attribute kept as it came in `users.scim_attributes` (title, department, manager…), read from
 * the JSON in SQL: the same filter semantics as a column, without an index (like displayName).
 */
function kept(dialect: Dialect, ...path: string[]): Column {
  return text(
    dialect === 'sqlite'
      ? sql`json_extract(users.scim_attributes, ${`$.${path.join('.')}`})`
      : sql`(users.scim_attributes::jsonb #>> ${`{${path.join(',')}}`}::text[])`,
  );
}

/** Core attributes kept in `scim_attributes.core`, by lower-cased name. */
const keptCore = new Map(['nickName', 'title', 'userType', 'profileUrl', 'timezone', 'locale'].map((n) => [n.toLowerCase(), n]));
const keptNameParts = new Map(['middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => [n.toLowerCase(), n]));
const keptEnterprise = new Map(['costCenter', 'organization', 'division', 'department'].map((n) => [n.toLowerCase(), n]));

/** Where the emails and phone numbers live: the primary one in users, the others in user_contacts. */
const contactLists: Record<string, { kind: 'email' | 'phone'; value: Column; type: Sql; present: Sql }> = {
  emails: {
    kind: 'email',
    value: text(sql`users.email_lower`, { lowered: true }),
    type: sql`(case when users.email_lower is not null then coalesce(users.email_type, 'work') end)`,
    present: sql`users.email_lower is not null`,
  },
  phonenumbers: {
    kind: 'phone',
    value: text(sql`users.phone`),
    type: sql`(case when users.phone is not null then coalesce(users.phone_type, 'work') end)`,
    present: sql`users.phone is not null`,
  },
};

/** Maps SCIM User attribute paths to the users table (and its relations) for filters and sorting. */
export function userResolver(fields: StoredField[], dialect: Dialect): Resolver {
  return {
    sources(attribute: AttrPath): number {
      const urn = (attribute.urn ?? userSchema).toLowerCase();
      return urn === userSchema.toLowerCase() && attribute.name.toLowerCase() in contactLists ? 2 : 1;
    },
    resolve(path: AttrPath, parent: AttrPath | null, source = 0): Target {
      const urn = (path.urn ?? parent?.urn ?? userSchema).toLowerCase();
      const outer = parent ? parent.name.toLowerCase() : path.name.toLowerCase();
      const sub = (parent ? path.name : path.sub)?.toLowerCase() ?? null;
      // Relations are checked with EXISTS; inside a value filter the EXISTS is added once, outside.
      const rel = (from: Sql, column: Column): Target =>
        parent ? { column } : { column, wrap: (cond) => sql`exists (select 1 from ${from} and ${cond})` };

      if (urn === userSchema.toLowerCase()) {
        if (keptCore.has(outer) && sub === null) return { column: kept(dialect, 'core', keptCore.get(outer)!) };
        switch (outer) {
          case 'id':
            return { column: text(sql`users.id`, { caseExact: true }) };
          case 'externalid':
            return { column: text(sql`users.external_id`, { caseExact: true }) };
          case 'username':
            return { column: text(sql`users.username_lower`, { lowered: true }) };
          case 'displayname':
            return { column: text(sql`users.display_name`) };
          case 'preferredlanguage':
            return { column: text(sql`users.language`) };
          case 'active':
            return { column: { kind: 'bool', expr: sql`users.active` } };
          case 'name':
            if (sub === 'givenname') return { column: text(sql`users.first_name`) };
            if (sub === 'familyname') return { column: text(sql`users.last_name`) };
            if (sub === 'formatted') return { column: text(sql`(users.first_name || ' ' || users.last_name)`) };
            if (sub && keptNameParts.has(sub)) return { column: kept(dialect, 'core', 'name', keptNameParts.get(sub)!) };
            break;
          case 'emails':
          case 'phonenumbers': {
            const list = contactLists[outer]!;
            if (source === 1) {
              // The other values: one user_contacts row each (users/contacts.ts), found by value.
              const column: Column | null =
                sub === null || sub === 'value'
                  ? text(sql`fc.value_lower`, { lowered: true })
                  : sub === 'type'
                    ? text(sql`fc.type`)
                    : sub === 'primary'
                      ? { kind: 'const', value: false, presence: null }
                      : sub === 'display'
                        ? text(sql`cast(null as text)`)
                        : null;
              if (!column) break;
              // PostgreSQL turns `or id in (…)` into a scan of every user checking a hashed list;
              // `id = any(array(…))` is an index condition, or-ed with the primary column's.
              const rows = sql`select fc.user_id from user_contacts fc where fc.kind = ${list.kind}`;
              return parent
                ? { column }
                : {
                    column,
                    wrap: (cond) =>
                      dialect === 'postgres'
                        ? sql`users.id = any(array(${rows} and ${cond}))`
                        : sql`users.id in (${rows} and ${cond})`,
                  };
            }
            if (sub === null || sub === 'value') return { column: list.value };
            if (sub === 'type') return { column: text(list.type) };
            if (sub === 'primary') return { column: { kind: 'const', value: true, presence: list.present } };
            if (sub === 'display') return { column: text(sql`cast(null as text)`) };
            break;
          }
          case 'meta':
            if (sub === 'created') return { column: { kind: 'date', expr: sql`users.created_at` } };
            if (sub === 'lastmodified') return { column: { kind: 'date', expr: sql`users.updated_at` } };
            if (sub === 'resourcetype') return { column: { kind: 'const', value: 'User', presence: null } };
            break;
          case 'groups':
            if (sub === null || sub === 'value' || sub === 'display')
              return rel(
                sql`group_members fg join groups fgn on fgn.id = fg.group_id where fg.user_id = users.id`,
                sub === 'display' ? text(sql`fgn.name_lower`, { lowered: true }) : text(sql`fg.group_id`, { caseExact: true }),
              );
            break;
          case 'roles':
            if (sub === null || sub === 'value' || sub === 'display')
              return rel(
                sql`user_roles fr join roles frn on frn.id = fr.role_id where fr.user_id = users.id`,
                text(sub === 'display' ? sql`frn.name` : sql`frn.key`),
              );
            break;
        }
      } else if (urn === enterpriseSchema.toLowerCase()) {
        if (outer === 'employeenumber') return { column: text(sql`users.official_code`) };
        if (keptEnterprise.has(outer)) return { column: kept(dialect, 'enterprise', keptEnterprise.get(outer)!) };
        if (outer === 'manager' && (sub === null || sub === 'value'))
          return { column: kept(dialect, 'enterprise', 'manager', 'value') };
        if (outer === 'manager' && sub === 'displayname')
          return { column: kept(dialect, 'enterprise', 'manager', 'displayName') };
      } else if (urn === userdeckSchema.toLowerCase()) {
        switch (outer) {
          case 'maternalsurname':
            return { column: text(sql`users.maternal_surname`) };
          case 'phone':
            return { column: text(sql`users.phone`) };
          case 'external':
            return { column: { kind: 'bool', expr: sql`users.external` } };
          case 'emailverified':
            return { column: { kind: 'bool', expr: sql`users.email_verified` } };
          case 'source':
            return { column: text(sql`users.source`) };
          case 'inactivereason':
            return { column: text(sql`users.inactive_reason`) };
          case 'enrollment':
            return { column: text(sql`users.enrollment`) };
          case 'license':
            return { column: text(sql`users.license`) };
          case 'expiresat':
            return { column: { kind: 'date', expr: sql`users.expires_at` } };
          case 'lastloginat':
            return { column: { kind: 'date', expr: sql`users.last_login_at` } };
          case 'logincount':
            return { column: { kind: 'number', expr: sql`users.login_count` } };
          case 'tags':
            return rel(
              sql`user_tags ft join tags ftn on ftn.id = ft.tag_id where ft.user_id = users.id`,
              text(sql`ftn.name_lower`, { lowered: true }),
            );
          case 'customfields': {
            const field = fields.find((f) => f.key.toLowerCase() === sub);
            if (!field) break;
            const column: Column =
              field.type === 'number'
                ? { kind: 'number', expr: sql`fv.value_num` }
                : field.type === 'boolean'
                  ? { kind: 'bool', expr: sql`fv.value_num` }
                  : text(sql`fv.value_norm`, { lowered: true });
            return {
              column,
              wrap: (cond) =>
                sql`exists (select 1 from user_field_values fv where fv.user_id = users.id and fv.field_id = ${field.id} and ${cond})`,
            };
          }
        }
      }
      throw unsupported(path);
    },
  };
}

/** The SQL sort expression of a SCIM `sortBy` on users. */
export function userSortExpression(path: AttrPath): Sql {
  const urn = (path.urn ?? userSchema).toLowerCase();
  const name = path.name.toLowerCase();
  const sub = path.sub?.toLowerCase() ?? null;
  if (urn === userSchema.toLowerCase()) {
    if (name === 'username') return sql`users.username_lower`;
    if (name === 'id') return sql`users.id`;
    if (name === 'externalid') return sql`coalesce(users.external_id, '')`;
    if (name === 'displayname') return sql`coalesce(users.display_name, '')`;
    if (name === 'active') return sql`users.active`;
    if (name === 'emails' && (sub === null || sub === 'value')) return sql`coalesce(users.email_lower, '')`;
    if (name === 'name' && (sub === 'familyname' || sub === 'formatted' || sub === null)) return sql`users.sort_name`;
    if (name === 'name' && sub === 'givenname') return sql`users.first_name`;
    if (name === 'meta' && sub === 'created') return sql`users.created_at`;
    if (name === 'meta' && sub === 'lastmodified') return sql`users.updated_at`;
  }
  if (urn === userdeckSchema.toLowerCase()) {
    if (name === 'lastloginat') return sql`coalesce(users.last_login_at, '')`;
    if (name === 'logincount') return sql`users.login_count`;
  }
  throw new ApiError(400, 'invalidValue', `sorting by "${path.name}${path.sub ? `.${path.sub}` : ''}" is not supported`, {
    scimType: 'invalidValue',
  });
}
