import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { isValidLanguage } from '../../common/users/validation';
import { ApiError, badRequest } from '../errors';
import type { Permission } from '../roles/permissions';
import { classify, done, fail, logUsers, skip, touchUsers, type BulkOp, type OpEnv, type Outcome } from './ops';
import { welcomeNewAdministrators } from './welcome';

const list = z.array(z.string().trim().min(1).max(200)).min(1).max(100);
const tagsParams = z.object({ tags: list }).strict();
const groupsParams = z.object({ groups: list }).strict();
const rolesParams = z.object({ roles: list }).strict();

/** How many of `relatedIds` each user already has, through a join table. */
async function holdings(
  env: OpEnv,
  table: 'user_tags' | 'group_members' | 'user_roles' | 'user_badges',
  column: string,
  ids: string[],
  relatedIds: string[],
) {
  const counts = new Map<string, number>();
  if (relatedIds.length === 0) return counts;
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await sql<{ user_id: string; n: number | string }>`
      select user_id, count(*) as n from ${sql.table(table)}
      where user_id in (${sql.join(ids.slice(i, i + 500))}) and ${sql.ref(column)} in (${sql.join(relatedIds)})
      group by user_id`.execute(env.db);
    for (const r of rows.rows) counts.set(r.user_id, Number(r.n));
  }
  return counts;
}

/** Plans an add (users missing any) or a remove (users holding any) of related rows. */
async function planMembership(
  env: OpEnv,
  ids: string[],
  table: 'user_tags' | 'group_members' | 'user_roles' | 'user_badges',
  column: string,
  relatedIds: string[],
  mode: 'add' | 'remove',
  wanted: number,
): Promise<Map<string, Outcome>> {
  const counts = await holdings(env, table, column, ids, relatedIds);
  return (
    await classify(env, ids, {}, (row) => {
      if (row.anonymized_at) return fail('anonymized', 'an anonymized user cannot be changed');
      const n = counts.get(row.id) ?? 0;
      if (mode === 'add' && n >= wanted) return skip('unchanged', 'the user already has them all');
      if (mode === 'remove' && n === 0) return skip('unchanged', 'the user has none of them');
      return done;
    })
  ).outcomes;
}

async function insertPairs(
  env: OpEnv,
  table: 'user_tags' | 'group_members' | 'user_roles' | 'user_badges',
  rows: Record<string, string>[],
) {
  for (let i = 0; i < rows.length; i += 1000)
    await env.db
      .insertInto(table)
      .values(rows.slice(i, i + 1000) as never)
      .onConflict((oc) => oc.doNothing())
      .execute();
}

async function deletePairs(
  env: OpEnv,
  table: 'user_tags' | 'group_members' | 'user_roles' | 'user_badges',
  column: string,
  ids: string[],
  relatedIds: string[],
) {
  for (let i = 0; i < ids.length; i += 500)
    await sql`delete from ${sql.table(table)} where user_id in (${sql.join(ids.slice(i, i + 500))})
      and ${sql.ref(column)} in (${sql.join(relatedIds)})`.execute(env.db);
}

// ---- tags

async function tagIds(env: OpEnv, tags: string[], create: boolean): Promise<string[]> {
  const lower = [...new Set(tags.map((t) => t.toLowerCase()))];
  const rows = await env.db.selectFrom('tags').select(['id', 'name_lower']).where('name_lower', 'in', lower).execute();
  const found = new Map(rows.map((r) => [r.name_lower, r.id]));
  if (create) {
    const now = env.clock.now().toISOString();
    for (const name of [...new Map(tags.map((t) => [t.toLowerCase(), t])).values()]) {
      if (found.has(name.toLowerCase())) continue;
      const id = randomUUID();
      await env.db
        .insertInto('tags')
        .values({ id, name, name_lower: name.toLowerCase(), color: null, created_at: now })
        .execute();
      found.set(name.toLowerCase(), id);
    }
  }
  return [...found.values()];
}

export const addTagsOp: BulkOp<{ tags: string[] }> = {
  action: 'addTags',
  permission: 'users.update',
  params: tagsParams,
  // Missing tags are created once, up front, rather than by racing chunks.
  async prepare(env, params) {
    await tagIds(env, params.tags, true);
  },
  async plan(env, ids, params) {
    const wanted = new Set(params.tags.map((t) => t.toLowerCase())).size;
    return planMembership(env, ids, 'user_tags', 'tag_id', await tagIds(env, params.tags, false), 'add', wanted);
  },
  async apply(env, ids, params) {
    const tags = await tagIds(env, params.tags, true);
    await insertPairs(
      env,
      'user_tags',
      ids.flatMap((user_id) => tags.map((tag_id) => ({ user_id, tag_id }))),
    );
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.updated', ids, { fields: ['tags'] });
  },
};

export const removeTagsOp: BulkOp<{ tags: string[] }> = {
  action: 'removeTags',
  permission: 'users.update',
  params: tagsParams,
  async plan(env, ids, params) {
    return planMembership(env, ids, 'user_tags', 'tag_id', await tagIds(env, params.tags, false), 'remove', 0);
  },
  async apply(env, ids, params) {
    await deletePairs(env, 'user_tags', 'tag_id', ids, await tagIds(env, params.tags, false));
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.updated', ids, { fields: ['tags'] });
  },
};

// ---- groups

async function groupIds(env: OpEnv, refs: string[]): Promise<string[]> {
  const rows = await env.db
    .selectFrom('groups')
    .select(['id', 'name_lower'])
    .where((eb) =>
      eb.or([
        eb('id', 'in', refs),
        eb(
          'name_lower',
          'in',
          refs.map((r) => r.toLowerCase()),
        ),
      ]),
    )
    .execute();
  const unknown = refs.filter((r) => !rows.some((g) => g.id === r || g.name_lower === r.toLowerCase()));
  if (unknown.length)
    throw badRequest(`unknown group: ${unknown.join(', ')}`, [
      { field: 'params.groups', code: 'notFound', params: { value: unknown.join(', ') } },
    ]);
  return [...new Set(rows.map((r) => r.id))];
}

export const addGroupsOp: BulkOp<{ groups: string[] }> = {
  action: 'addGroups',
  permission: 'users.update',
  params: groupsParams,
  async prepare(env, params) {
    await groupIds(env, params.groups);
  },
  async plan(env, ids, params) {
    const groups = await groupIds(env, params.groups);
    return planMembership(env, ids, 'group_members', 'group_id', groups, 'add', groups.length);
  },
  async apply(env, ids, params) {
    const now = env.clock.now().toISOString();
    const groups = await groupIds(env, params.groups);
    await insertPairs(
      env,
      'group_members',
      ids.flatMap((user_id) => groups.map((group_id) => ({ user_id, group_id, added_at: now }))),
    );
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.updated', ids, { fields: ['groups'], added: groups });
  },
};

export const removeGroupsOp: BulkOp<{ groups: string[] }> = {
  action: 'removeGroups',
  permission: 'users.update',
  params: groupsParams,
  async prepare(env, params) {
    await groupIds(env, params.groups);
  },
  async plan(env, ids, params) {
    return planMembership(env, ids, 'group_members', 'group_id', await groupIds(env, params.groups), 'remove', 0);
  },
  async apply(env, ids, params) {
    const groups = await groupIds(env, params.groups);
    await deletePairs(env, 'group_members', 'group_id', ids, groups);
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.updated', ids, { fields: ['groups'], removed: groups });
  },
};

// ---- roles

/** The roles named, checked: they exist, and the caller may hand them out (no escalation). */
async function roleRefs(env: OpEnv, keys: string[]): Promise<{ id: string; key: string }[]> {
  const rows = await env.db
    .selectFrom('roles')
    .leftJoin('role_permissions', 'role_permissions.role_id', 'roles.id')
    .select(['roles.id', 'roles.key', 'role_permissions.permission'])
    .where('roles.key', 'in', keys)
    .execute();
  const unknown = keys.filter((k) => !rows.some((r) => r.key === k));
  if (unknown.length)
    throw badRequest(`unknown role: ${unknown.join(', ')}`, [
      { field: 'params.roles', code: 'unknownRole', params: { value: unknown.join(', ') } },
    ]);
  if (!env.permissions.has('roles.assign')) {
    const beyond = rows.find((r) => r.permission && !env.permissions.has(r.permission as Permission));
    if (beyond)
      throw new ApiError(403, 'forbidden', `assigning the role "${beyond.key}" needs the "roles.assign" permission`, {
        permission: 'roles.assign',
      });
  }
  return [...new Map(rows.map((r) => [r.id, { id: r.id, key: r.key }])).values()];
}

export const addRolesOp: BulkOp<{ roles: string[] }> = {
  action: 'addRoles',
  permission: 'users.update',
  params: rolesParams,
  async prepare(env, params) {
    await roleRefs(env, params.roles);
  },
  async plan(env, ids, params) {
    const roles = await roleRefs(env, params.roles);
    return planMembership(
      env,
      ids,
      'user_roles',
      'role_id',
      roles.map((r) => r.id),
      'add',
      roles.length,
    );
  },
  async apply(env, ids, params) {
    const roles = await roleRefs(env, params.roles);
    await insertPairs(
      env,
      'user_roles',
      ids.flatMap((user_id) => roles.map((r) => ({ user_id, role_id: r.id }))),
    );
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.rolesChanged', ids, { added: roles.map((r) => r.key) });
    if (roles.some((r) => r.key === 'administrator')) await welcomeNewAdministrators(env, ids);
  },
};

export const removeRolesOp: BulkOp<{ roles: string[] }> = {
  action: 'removeRoles',
  permission: 'users.update',
  params: rolesParams,
  async prepare(env, params) {
    await roleRefs(env, params.roles);
  },
  async plan(env, ids, params) {
    const roles = await roleRefs(env, params.roles);
    return planMembership(
      env,
      ids,
      'user_roles',
      'role_id',
      roles.map((r) => r.id),
      'remove',
      0,
    );
  },
  async apply(env, ids, params) {
    const roles = await roleRefs(env, params.roles);
    await deletePairs(
      env,
      'user_roles',
      'role_id',
      ids,
      roles.map((r) => r.id),
    );
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.rolesChanged', ids, { removed: roles.map((r) => r.key) });
  },
};

// ---- language

export const setLanguageOp: BulkOp<{ language: string }> = {
  action: 'setLanguage',
  permission: 'users.update',
  params: z.object({ language: z.string().trim().min(2).max(35).refine(isValidLanguage, 'not a language tag') }).strict(),
  async plan(env, ids, params) {
    return (
      await classify(env, ids, {}, (row) => {
        if (row.anonymized_at) return fail('anonymized', 'an anonymized user cannot be changed');
        if (row.language_locked === 1) return skip('languageLocked', 'the language is set by a sync source and locked');
        if (row.language === params.language) return skip('unchanged', 'the user already has this language');
        return done;
      })
    ).outcomes;
  },
  async apply(env, ids, params) {
    await touchUsers(env, ids, { language: params.language });
    await logUsers(env, 'user.updated', ids, { fields: ['language'] });
  },
};

// ---- badges

async function badgeId(env: OpEnv, ref: string): Promise<string> {
  const row = await env.db
    .selectFrom('badges')
    .select('id')
    .where((eb) => eb.or([eb('id', '=', ref), eb('key', '=', ref)]))
    .executeTakeFirst();
  if (!row) throw badRequest(`unknown badge "${ref}"`, [{ field: 'params.badge', code: 'notFound', params: { value: ref } }]);
  return row.id;
}

const badgeParams = z.object({ badge: z.string().trim().min(1).max(100) }).strict();

export const grantBadgeOp: BulkOp<{ badge: string }> = {
  action: 'grantBadge',
  permission: 'users.update',
  params: badgeParams,
  async prepare(env, params) {
    await badgeId(env, params.badge);
  },
  async plan(env, ids, params) {
    return planMembership(env, ids, 'user_badges', 'badge_id', [await badgeId(env, params.badge)], 'add', 1);
  },
  async apply(env, ids, params) {
    const badge = await badgeId(env, params.badge);
    const now = env.clock.now().toISOString();
    await insertPairs(
      env,
      'user_badges',
      ids.map((user_id) => ({ user_id, badge_id: badge, granted_at: now, granted_by: env.actor.id ?? env.actor.type })),
    );
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.badgeGranted', ids, { badge });
  },
};

export const revokeBadgeOp: BulkOp<{ badge: string }> = {
  action: 'revokeBadge',
  permission: 'users.update',
  params: badgeParams,
  async prepare(env, params) {
    await badgeId(env, params.badge);
  },
  async plan(env, ids, params) {
    return planMembership(env, ids, 'user_badges', 'badge_id', [await badgeId(env, params.badge)], 'remove', 0);
  },
  async apply(env, ids, params) {
    const badge = await badgeId(env, params.badge);
    await deletePairs(env, 'user_badges', 'badge_id', ids, [badge]);
    await touchUsers(env, ids, {});
    await logUsers(env, 'user.badgeRevoked', ids, { badge });
  },
};
