import { sql } from 'kysely';
import type { StoredField } from '../custom-fields/store';
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

/** Maps SCIM User attribute paths to the users table (and its relations) for filters and sorting. */
export function userResolver(fields: StoredField[]): Resolver {
  return {
    resolve(path: AttrPath, parent: AttrPath | null): Target {
      const urn = (path.urn ?? parent?.urn ?? userSchema).toLowerCase();
      const outer = parent ? parent.name.toLowerCase() : path.name.toLowerCase();
      const sub = (parent ? path.name : path.sub)?.toLowerCase() ?? null;
      // Relations are checked with EXISTS; inside a value filter the EXISTS is added once, outside.
      const rel = (from: Sql, column: Column): Target =>
        parent ? { column } : { column, wrap: (cond) => sql`exists (select 1 from ${from} and ${cond})` };

      if (urn === userSchema.toLowerCase()) {
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
          case 'locale':
            return { column: text(sql`users.language`) };
          case 'active':
            return { column: { kind: 'bool', expr: sql`users.active` } };
          case 'name':
            if (sub === 'givenname') return { column: text(sql`users.first_name`) };
            if (sub === 'familyname') return { column: text(sql`users.last_name`) };
            if (sub === 'formatted') return { column: text(sql`(users.first_name || ' ' || users.last_name)`) };
            break;
          case 'emails':
            if (sub === null || sub === 'value') return { column: text(sql`users.email_lower`, { lowered: true }) };
            if (sub === 'type') return { column: { kind: 'const', value: 'work', presence: sql`users.email_lower is not null` } };
            if (sub === 'primary')
              return { column: { kind: 'const', value: true, presence: sql`users.email_lower is not null` } };
            break;
          case 'phonenumbers':
            if (sub === null || sub === 'value') return { column: text(sql`users.phone`) };
            if (sub === 'type') return { column: { kind: 'const', value: 'work', presence: sql`users.phone is not null` } };
            break;
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
