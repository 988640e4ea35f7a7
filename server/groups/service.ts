import { newId } from '../ids';
import type { Kysely, Transaction } from 'kysely';
import { appendActivity, type Actor } from '../activity/log';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { ApiError, badRequest, conflict, notFound, preconditionFailed } from '../errors';

type Executor = Kysely<Database> | Transaction<Database>;

export interface Group {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  externalId: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface GroupWrite {
  name?: string;
  description?: string | null;
  active?: boolean;
  externalId?: string | null;
  members?: { set?: string[]; add?: string[]; remove?: string[] };
}

export async function loadGroups(db: Executor, ids: string[]): Promise<Group[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('groups')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('group_members')
        .whereRef('group_members.group_id', '=', 'groups.id')
        .select((e) => e.fn.countAll<number>().as('c'))
        .as('member_count'),
    )
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        description: r.description,
        active: r.active === 1,
        externalId: r.external_id,
        memberCount: Number(r.member_count ?? 0),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        version: r.version,
      } satisfies Group,
    ]),
  );
  return ids.map((id) => byId.get(id)).filter((g): g is Group => g !== undefined);
}

export async function loadGroup(db: Executor, id: string): Promise<Group | null> {
  return (await loadGroups(db, [id]))[0] ?? null;
}

async function checkMembers(db: Executor, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const found = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', unique.slice(i, i + 500))
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of rows) found.add(r.id);
  }
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length)
    throw badRequest(`unknown member: ${missing.slice(0, 5).join(', ')}`, [
      { field: 'members', code: 'notFound', params: { value: missing.slice(0, 5).join(', ') } },
    ]);
}

/**
 * A user's groups are part of the user (SCIM `groups`): changing a membership changes the user's
 * version and modification time, so its ETag never claims an old copy is current.
 */
async function touchUsers(db: Executor, ids: string[], now: string): Promise<void> {
  for (let i = 0; i < ids.length; i += 500)
    await db
      .updateTable('users')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
}

async function nameTaken(db: Executor, name: string, self?: string): Promise<boolean> {
  const row = await db.selectFrom('groups').select('id').where('name_lower', '=', name.trim().toLowerCase()).executeTakeFirst();
  return !!row && row.id !== self;
}

export async function createGroup(db: Executor, clock: Clock, actor: Actor, input: GroupWrite): Promise<string> {
  const name = input.name?.trim();
  if (!name) throw badRequest('a group needs a name', [{ field: 'name', code: 'required' }]);
  if (name.length > 200)
    throw badRequest('the group name is too long', [{ field: 'name', code: 'tooLong', params: { max: 200 } }]);
  if (await nameTaken(db, name)) throw conflict(`the group "${name}" exists`, [{ field: 'name', code: 'duplicate' }]);
  const id = newId();
  const now = clock.now().toISOString();
  await db
    .insertInto('groups')
    .values({
      id,
      name,
      name_lower: name.toLowerCase(),
      description: input.description ?? null,
      active: input.active === false ? 0 : 1,
      external_id: input.externalId ?? null,
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .execute();
  const members = [...new Set([...(input.members?.set ?? []), ...(input.members?.add ?? [])])];
  if (members.length) {
    await checkMembers(db, members);
    for (let i = 0; i < members.length; i += 1000)
      await db
        .insertInto('group_members')
        .values(members.slice(i, i + 1000).map((user_id) => ({ group_id: id, user_id, added_at: now })))
        .execute();
    await touchUsers(db, members, now);
  }
  await appendActivity(db, clock, actor, {
    action: 'group.created',
    targetType: 'group',
    targetId: id,
    data: { members: members.length },
  });
  return id;
}

/** Changes a group; returns whether anything changed. Members can be replaced, added or removed. */
export async function updateGroup(
  db: Executor,
  clock: Clock,
  actor: Actor,
  id: string,
  input: GroupWrite,
  ifMatch?: number,
): Promise<boolean> {
  const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('group');
  if (ifMatch !== undefined && ifMatch !== row.version) throw preconditionFailed();
  const set: Partial<{
    name: string;
    name_lower: string;
    description: string | null;
    active: number;
    external_id: string | null;
  }> = {};
  const changed: string[] = [];
  if (input.name !== undefined) {
    const name = input.name.trim();
    if (!name) throw badRequest('a group needs a name', [{ field: 'name', code: 'required' }]);
    if (name !== row.name) {
      if (await nameTaken(db, name, id)) throw conflict(`the group "${name}" exists`, [{ field: 'name', code: 'duplicate' }]);
      Object.assign(set, { name, name_lower: name.toLowerCase() });
      changed.push('name');
    }
  }
  if (input.description !== undefined && input.description !== row.description) {
    set.description = input.description;
    changed.push('description');
  }
  if (input.active !== undefined && (input.active ? 1 : 0) !== row.active) {
    set.active = input.active ? 1 : 0;
    changed.push('active');
  }
  if (input.externalId !== undefined && input.externalId !== row.external_id) {
    set.external_id = input.externalId;
    changed.push('externalId');
  }
  const now = clock.now().toISOString();
  const m = input.members;
  let added = 0;
  let removed = 0;
  if (m) {
    const current = new Set(
      (await db.selectFrom('group_members').select('user_id').where('group_id', '=', id).execute()).map((r) => r.user_id),
    );
    let toAdd: string[] = [];
    let toRemove: string[] = [];
    if (m.set) {
      const wanted = new Set(m.set);
      toAdd = [...wanted].filter((u) => !current.has(u));
      toRemove = [...current].filter((u) => !wanted.has(u));
    }
    toAdd.push(...(m.add ?? []).filter((u) => !current.has(u) && !toAdd.includes(u)));
    toRemove.push(...(m.remove ?? []).filter((u) => current.has(u) && !toRemove.includes(u)));
    toAdd = [...new Set(toAdd)];
    if (toAdd.length) {
      await checkMembers(db, toAdd);
      for (let i = 0; i < toAdd.length; i += 1000)
        await db
          .insertInto('group_members')
          .values(toAdd.slice(i, i + 1000).map((user_id) => ({ group_id: id, user_id, added_at: now })))
          .execute();
    }
    for (let i = 0; i < toRemove.length; i += 500)
      await db
        .deleteFrom('group_members')
        .where('group_id', '=', id)
        .where('user_id', 'in', toRemove.slice(i, i + 500))
        .execute();
    await touchUsers(db, [...toAdd, ...toRemove], now);
    added = toAdd.length;
    removed = toRemove.length;
    if (added || removed) changed.push('members');
  }
  if (changed.length === 0) return false;
  await db
    .updateTable('groups')
    .set({ ...set, updated_at: now, version: row.version + 1 })
    .where('id', '=', id)
    .execute();
  await appendActivity(db, clock, actor, {
    action: 'group.updated',
    targetType: 'group',
    targetId: id,
    data: { fields: changed, added, removed },
  });
  return true;
}

/** Deletes a group: only an empty one unless `removeMembers` (SCIM clients own their groups). */
export async function deleteGroup(
  db: Executor,
  clock: Clock,
  actor: Actor,
  id: string,
  options: { removeMembers?: boolean; ifMatch?: number } = {},
): Promise<void> {
  const row = await db.selectFrom('groups').select(['id', 'version']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('group');
  if (options.ifMatch !== undefined && options.ifMatch !== row.version) throw preconditionFailed();
  const member = await db.selectFrom('group_members').select('user_id').where('group_id', '=', id).limit(1).executeTakeFirst();
  if (member && !options.removeMembers)
    throw new ApiError(409, 'groupNotEmpty', 'only an empty group can be deleted: remove its members first');
  const members = (await db.selectFrom('group_members').select('user_id').where('group_id', '=', id).execute()).map(
    (r) => r.user_id,
  );
  await db.deleteFrom('group_members').where('group_id', '=', id).execute();
  await touchUsers(db, members, clock.now().toISOString());
  await db.deleteFrom('groups').where('id', '=', id).execute();
  await appendActivity(db, clock, actor, { action: 'group.deleted', targetType: 'group', targetId: id });
}
