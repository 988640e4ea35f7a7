import { newId } from '../ids';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock';
import { appendActivity, type Actor } from '../activity/log';
import type { Database } from '../db/schema';
import type { FieldError } from '../errors';
import type { Permission } from '../roles/permissions';

type Executor = Kysely<Database> | Transaction<Database>;

export interface RoleInfo {
  id: string;
  key: string;
  permissions: Set<string>;
}

/**
 * Resolves role, group and tag names to ids for one request (or one batch), creating missing
 * groups and tags as imports expect, and caching what it has seen.
 */
export class RelationResolver {
  private roles: Map<string, RoleInfo> | null = null;
  private readonly groups = new Map<string, string>();
  private readonly tags = new Map<string, string>();

  constructor(
    private readonly db: Executor,
    private readonly clock: Clock,
    private readonly actor: Actor,
    /**
     * Where missing groups and tags are created. On PostgreSQL this is the pool, outside the
     * request's transaction: concurrent imports naming the same new group then neither fail on the
     * unique name nor deadlock while holding it.
     */
    private readonly creator: Executor = db,
  ) {}

  /** Creates a group or tag by name (or finds the one a concurrent request just made); returns its id. */
  private async create(table: 'groups' | 'tags', name: string): Promise<string> {
    const now = this.clock.now().toISOString();
    const id = newId();
    const values =
      table === 'groups'
        ? {
            id,
            name,
            name_lower: name.toLowerCase(),
            description: null,
            active: 1,
            external_id: null,
            created_at: now,
            updated_at: now,
            version: 1,
          }
        : { id, name, name_lower: name.toLowerCase(), color: null, created_at: now };
    const result = await this.creator
      .insertInto(table)
      .values(values as never)
      .onConflict((oc) => oc.column('name_lower').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 1) {
      await appendActivity(this.creator, this.clock, this.actor, {
        action: table === 'groups' ? 'group.created' : 'tag.created',
        targetType: table === 'groups' ? 'group' : 'tag',
        targetId: id,
      });
      return id;
    }
    const row = await this.db
      .selectFrom(table)
      .select('id')
      .where('name_lower', '=', name.toLowerCase())
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async roleMap(): Promise<Map<string, RoleInfo>> {
    if (this.roles) return this.roles;
    const rows = await this.db
      .selectFrom('roles')
      .leftJoin('role_permissions', 'role_permissions.role_id', 'roles.id')
      .select(['roles.id', 'roles.key', 'roles.name', 'role_permissions.permission'])
      .execute();
    const map = new Map<string, RoleInfo>();
    for (const row of rows) {
      const info = map.get(row.key.toLowerCase()) ?? { id: row.id, key: row.key, permissions: new Set<string>() };
      if (row.permission) info.permissions.add(row.permission);
      map.set(row.key.toLowerCase(), info);
      map.set(row.name.toLowerCase(), info);
      map.set(row.id, info);
    }
    this.roles = map;
    return map;
  }

  async resolveRoles(names: string[]): Promise<{ roles: RoleInfo[]; errors: FieldError[] }> {
    const map = await this.roleMap();
    const roles: RoleInfo[] = [];
    const unknown: string[] = [];
    for (const name of names) {
      const info = map.get(name.trim().toLowerCase()) ?? map.get(name.trim());
      if (info) {
        if (!roles.includes(info)) roles.push(info);
      } else unknown.push(name);
    }
    const errors: FieldError[] = unknown.length
      ? [{ field: 'roles', code: 'unknownRole', params: { value: unknown.join(', ') } }]
      : [];
    return { roles, errors };
  }

  /**
   * A caller may grant or take away a role when it holds `roles.assign`, or when the role gives
   * nothing the caller does not have (so nobody escalates their own rights through a user).
   */
  canAssign(role: RoleInfo, caller: ReadonlySet<Permission>): boolean {
    if (caller.has('roles.assign')) return true;
    return [...role.permissions].every((p) => caller.has(p as Permission));
  }

  async resolveGroups(refs: string[]): Promise<string[]> {
    const ids: string[] = [];
    const missing = refs.map((r) => r.trim()).filter((r) => r !== '' && !this.groups.has(r.toLowerCase()) && !this.groups.has(r));
    if (missing.length) {
      const rows = await this.db
        .selectFrom('groups')
        .select(['id', 'name_lower'])
        .where((eb) =>
          eb.or([
            eb('id', 'in', missing),
            eb(
              'name_lower',
              'in',
              missing.map((m) => m.toLowerCase()),
            ),
          ]),
        )
        .execute();
      for (const row of rows) {
        this.groups.set(row.id, row.id);
        this.groups.set(row.name_lower, row.id);
      }
    }
    for (const ref of refs.map((r) => r.trim()).filter(Boolean)) {
      let id = this.groups.get(ref) ?? this.groups.get(ref.toLowerCase());
      if (!id) {
        id = await this.create('groups', ref);
        this.groups.set(ref.toLowerCase(), id);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }

  async resolveTags(names: string[]): Promise<string[]> {
    const clean = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
    const missing = clean.filter((n) => !this.tags.has(n.toLowerCase()));
    if (missing.length) {
      const rows = await this.db
        .selectFrom('tags')
        .select(['id', 'name_lower'])
        .where(
          'name_lower',
          'in',
          missing.map((m) => m.toLowerCase()),
        )
        .execute();
      for (const row of rows) this.tags.set(row.name_lower, row.id);
    }
    const ids: string[] = [];
    for (const name of clean) {
      let id = this.tags.get(name.toLowerCase());
      if (!id) {
        id = await this.create('tags', name);
        this.tags.set(name.toLowerCase(), id);
      }
      if (!ids.includes(id)) ids.push(id);
    }
    return ids;
  }
}
