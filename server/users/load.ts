import type { Kysely, Selectable, Transaction } from 'kysely';
import type { CustomFieldValue, DataSource, EnrollmentState, InactiveReason, Ref, User } from '../../common/users/user';
import type { Database, UsersTable } from '../db/schema';

type Executor = Kysely<Database> | Transaction<Database>;
export type UserRow = Selectable<UsersTable>;

/** Loads full users (with roles, groups, tags and custom fields) by id, in the order asked. */
export async function loadUsers(db: Executor, ids: string[]): Promise<User[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  return assembleUsers(db, rows, ids);
}

export async function loadUser(db: Executor, id: string, includeTrash = true): Promise<User | null> {
  let query = db.selectFrom('users').selectAll().where('id', '=', id);
  if (!includeTrash) query = query.where('deleted_at', 'is', null);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return (await assembleUsers(db, [row], [id]))[0] ?? null;
}

/** Turns user rows into users with five batched relation queries, whatever the page size. */
export async function assembleUsers(db: Executor, rows: UserRow[], order?: string[]): Promise<User[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [roles, groups, tags, values, badges] = await Promise.all([
    db
      .selectFrom('user_roles')
      .innerJoin('roles', 'roles.id', 'user_roles.role_id')
      .select(['user_roles.user_id', 'roles.key'])
      .where('user_roles.user_id', 'in', ids)
      .orderBy('roles.key')
      .execute(),
    db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.id', 'groups.name'])
      .where('group_members.user_id', 'in', ids)
      .orderBy('groups.name_lower')
      .execute(),
    db
      .selectFrom('user_tags')
      .innerJoin('tags', 'tags.id', 'user_tags.tag_id')
      .select(['user_tags.user_id', 'tags.name'])
      .where('user_tags.user_id', 'in', ids)
      .orderBy('tags.name_lower')
      .execute(),
    db
      .selectFrom('user_field_values')
      .innerJoin('custom_fields', 'custom_fields.id', 'user_field_values.field_id')
      .select([
        'user_field_values.user_id',
        'custom_fields.key',
        'custom_fields.type',
        'user_field_values.value_text',
        'user_field_values.value_num',
      ])
      .where('user_field_values.user_id', 'in', ids)
      .orderBy('user_field_values.position')
      .execute(),
    db
      .selectFrom('user_badges')
      .innerJoin('badges', 'badges.id', 'user_badges.badge_id')
      .select(['user_badges.user_id', 'badges.key'])
      .where('user_badges.user_id', 'in', ids)
      .orderBy('badges.key')
      .execute(),
  ]);
  const group = <T extends { user_id: string }>(list: T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) {
      const bucket = map.get(item.user_id);
      if (bucket) bucket.push(item);
      else map.set(item.user_id, [item]);
    }
    return map;
  };
  const rolesBy = group(roles);
  const groupsBy = group(groups);
  const tagsBy = group(tags);
  const valuesBy = group(values);
  const badgesBy = group(badges);
  const users = rows.map((row) => {
    const custom: Record<string, CustomFieldValue> = {};
    for (const v of valuesBy.get(row.id) ?? []) {
      if (v.type === 'multiselect') {
        const list = (custom[v.key] as string[] | undefined) ?? [];
        list.push(v.value_text);
        custom[v.key] = list;
      } else if (v.type === 'number') custom[v.key] = v.value_num;
      else if (v.type === 'boolean') custom[v.key] = v.value_text === 'true';
      else custom[v.key] = v.value_text;
    }
    return toUser(
      row,
      (rolesBy.get(row.id) ?? []).map((r) => r.key),
      (groupsBy.get(row.id) ?? []).map((g): Ref => ({ id: g.id, name: g.name })),
      (tagsBy.get(row.id) ?? []).map((t) => t.name),
      custom,
      (badgesBy.get(row.id) ?? []).map((b) => b.key),
    );
  });
  if (!order) return users;
  const byId = new Map(users.map((u) => [u.id, u]));
  return order.map((id) => byId.get(id)).filter((u): u is User => u !== undefined);
}

function toUser(
  row: UserRow,
  roles: string[],
  groups: Ref[],
  tags: string[],
  customFields: Record<string, CustomFieldValue>,
  badges: string[],
): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    maternalSurname: row.maternal_surname,
    displayName: row.display_name,
    officialCode: row.official_code,
    phone: row.phone,
    language: row.language,
    languageLocked: row.language_locked === 1,
    avatarUrl: row.avatar_url,
    external: row.external === 1,
    source: row.source as DataSource,
    active: row.active === 1,
    inactiveReason: row.inactive_reason as InactiveReason | null,
    statusNote: row.status_note,
    emailVerified: row.email_verified === 1,
    enrollment: row.enrollment as EnrollmentState,
    invitationResends: row.invitation_resends,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    loginCount: row.login_count,
    deletedAt: row.deleted_at,
    anonymizedAt: row.anonymized_at,
    roles,
    groups,
    tags,
    badges,
    license: row.license,
    customFields,
    version: row.version,
  };
}
