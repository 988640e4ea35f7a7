import { newId } from '../ids';
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { FieldSchema } from '../../common/users/fields';
import type { CustomFieldValue, DataSource, UserWrite } from '../../common/users/user';
import { isBlank, parseIsoDate, validateUser } from '../../common/users/validation';
import { appendActivity, type Actor } from '../activity/log';
import { hashPassword, isSupportedHash } from '../auth/passwords';
import type { Clock } from '../clock';
import type { StoredField } from '../custom-fields/store';
import type { Database, UsersTable } from '../db/schema';
import { ApiError, badRequest, conflict, notFound, preconditionFailed, type FieldError } from '../errors';
import type { Permission } from '../roles/permissions';
import { describeErrors } from '../http/zod-errors';
import { afterUserUpdated, afterUsersCreated } from '../lifecycle/hooks';
import type { RelationResolver, RoleInfo } from './relations';
import { contactRows } from './contacts';
import { searchText, sortName } from './text';
import { searchable, valueRows } from './values';

/** A user write as the services take it: the admin API's `UserWrite`, plus SCIM's externalId. */
export interface UserInput extends UserWrite {
  externalId?: string | null;
  /** SCIM attributes kept as they came (title, addresses, enterprise manager…); null clears them. */
  scimAttributes?: Record<string, unknown> | null;
  /** SCIM: the `type` of the primary email and phone (`home`, `mobile`…). */
  emailType?: string | null;
  phoneType?: string | null;
  /** Create only: mail the typed password, or an invitation, instead of the default welcome. */
  notify?: 'password' | 'invitation';
}

export interface WriteEnv {
  db: Kysely<Database> | Transaction<Database>;
  clock: Clock;
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  schema: FieldSchema;
  fields: StoredField[];
  source: DataSource;
  resolver: RelationResolver;
  /** SCIM needs only userName (RFC 7643): names and email may be missing there. */
  relaxRequired?: boolean;
}

export type CreateOutcome = { ok: true; id: string } | { ok: false; error: ApiError };

const defaultRole = 'end_user';
const relaxable = new Set(['email', 'firstName', 'lastName']);

function invalid(errors: FieldError[]): ApiError {
  return badRequest(`invalid user: ${describeErrors(errors)}`, errors);
}

/** The shared field rules of common/users/validation, plus what only the server can check. */
export function inputErrors(
  env: WriteEnv,
  input: UserInput,
  mode: 'create' | 'update',
  existing?: Selectable<UsersTable>,
): FieldError[] {
  let errors: FieldError[] = validateUser(input as Record<string, unknown>, env.schema, { mode });
  if (env.relaxRequired) errors = errors.filter((e) => !(e.code === 'required' && relaxable.has(e.field)));
  if (input.passwordHash !== undefined && !isSupportedHash(input.passwordHash))
    errors.push({ field: 'passwordHash', code: 'passwordHashFormat' });
  if (input.password !== undefined && input.passwordHash !== undefined)
    errors.push({ field: 'passwordHash', code: 'conflict', params: { with: 'password' } });
  if (
    existing?.language_locked === 1 &&
    input.language !== undefined &&
    input.language !== existing.language &&
    env.source !== 'sync'
  )
    errors.push({ field: 'language', code: 'locked' });
  if (input.externalId !== undefined && input.externalId !== null && input.externalId.length > 500)
    errors.push({ field: 'externalId', code: 'tooLong', params: { max: 500 } });
  return errors;
}

const lower = (v: string | null | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : null);
const clean = (v: string | null | undefined) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

function expiry(value: string | null | undefined): string | null {
  if (isBlank(value)) return null;
  const day = parseIsoDate(value);
  if (day && /^\d{4}-\d{2}-\d{2}$/.test(String(value).trim())) return `${day}T00:00:00.000Z`;
  return new Date(String(value)).toISOString();
}

function searchDoc(
  row: Pick<
    Selectable<UsersTable>,
    'first_name' | 'last_name' | 'maternal_surname' | 'display_name' | 'username' | 'email' | 'official_code'
  >,
  customText: string[],
): string {
  return searchText([
    row.first_name,
    row.last_name,
    row.maternal_surname,
    row.display_name,
    row.username,
    row.email,
    row.official_code,
    ...customText,
  ]);
}

function customText(env: WriteEnv, values: Record<string, CustomFieldValue>): string[] {
  const out: string[] = [];
  for (const field of env.fields) {
    if (!searchable(field)) continue;
    for (const row of valueRows(field, values[field.key])) out.push(row.value_text);
  }
  return out;
}

/** Which of the given usernames / emails are taken, by lower-cased value → owner id. */
async function taken(env: WriteEnv, usernames: string[], emails: string[]) {
  const byUsername = new Map<string, string>();
  const byEmail = new Map<string, string>();
  for (let i = 0; i < usernames.length; i += 500) {
    const rows = await env.db
      .selectFrom('users')
      .select(['id', 'username_lower'])
      .where('username_lower', 'in', usernames.slice(i, i + 500))
      .execute();
    for (const r of rows) byUsername.set(r.username_lower, r.id);
  }
  if (!env.schema.policies.allowSharedEmail) {
    for (let i = 0; i < emails.length; i += 500) {
      const rows = await env.db
        .selectFrom('users')
        .select(['id', 'email_lower'])
        .where('email_lower', 'in', emails.slice(i, i + 500))
        .execute();
      for (const r of rows) if (r.email_lower) byEmail.set(r.email_lower, r.id);
    }
  }
  return { byUsername, byEmail };
}

async function rolesFor(env: WriteEnv, names: string[], current: RoleInfo[] = []): Promise<RoleInfo[]> {
  const { roles, errors } = await env.resolver.resolveRoles(names);
  if (errors.length) throw invalid(errors);
  const changed = [...roles.filter((r) => !current.includes(r)), ...current.filter((r) => !roles.includes(r))];
  const refused = changed.filter((r) => !env.resolver.canAssign(r, env.permissions));
  if (refused.length)
    throw new ApiError(403, 'forbidden', `assigning the role "${refused[0]!.key}" needs the "roles.assign" permission`, {
      permission: 'roles.assign',
    });
  return roles;
}

/**
 * Creates users in bulk: validation, uniqueness (against the database and within the list) and
 * password hashing per user, then multi-row inserts. A user that fails gets its error; the others
 * are created.
 */
export async function createUsers(env: WriteEnv, inputs: UserInput[]): Promise<CreateOutcome[]> {
  const outcomes: (CreateOutcome | null)[] = inputs.map((input) => {
    const errors = inputErrors(env, input, 'create');
    return errors.length ? { ok: false, error: invalid(errors) } : null;
  });
  const usernames = inputs.map((i) => lower(i.username) ?? '');
  const emails = inputs.map((i) => lower(i.email));
  const { byUsername, byEmail } = await taken(
    env,
    usernames.filter(Boolean),
    emails.filter((e): e is string => e !== null),
  );
  const seenUsernames = new Set<string>();
  const seenEmails = new Set<string>();
  inputs.forEach((_, i) => {
    if (outcomes[i]) return;
    const username = usernames[i]!;
    const email = emails[i];
    if (byUsername.has(username) || seenUsernames.has(username))
      outcomes[i] = {
        ok: false,
        error: conflict(`the username "${inputs[i]!.username}" is taken`, [{ field: 'username', code: 'duplicate' }]),
      };
    else if (email && !env.schema.policies.allowSharedEmail && (byEmail.has(email) || seenEmails.has(email)))
      outcomes[i] = {
        ok: false,
        error: conflict(`the email "${inputs[i]!.email}" is used by another user`, [{ field: 'email', code: 'duplicate' }]),
      };
    else {
      seenUsernames.add(username);
      if (email) seenEmails.add(email);
    }
  });

  const now = env.clock.now().toISOString();
  const prepared: { index: number; row: Insertable<UsersTable>; roles: RoleInfo[]; groups: string[]; tags: string[] }[] = [];
  const hashes = await Promise.all(
    inputs.map((input, i) => (outcomes[i] ? null : input.password ? hashPassword(input.password) : (input.passwordHash ?? null))),
  );
  for (const [i, input] of inputs.entries()) {
    if (outcomes[i]) continue;
    try {
      const roles = await rolesFor(env, input.roles ?? [defaultRole]);
      const groups = input.groups ? await env.resolver.resolveGroups(input.groups) : [];
      const tags = input.tags ? await env.resolver.resolveTags(input.tags) : [];
      const firstName = input.firstName?.trim() ?? '';
      const lastName = input.lastName?.trim() ?? '';
      const active = input.active ?? true;
      const base = {
        first_name: firstName,
        last_name: lastName,
        maternal_surname: clean(input.maternalSurname),
        display_name: clean(input.displayName),
        username: input.username!.trim(),
        email: clean(input.email),
        official_code: clean(input.officialCode),
      };
      prepared.push({
        index: i,
        roles,
        groups,
        tags,
        row: {
          ...base,
          id: newId(),
          username_lower: usernames[i]!,
          email_lower: emails[i] ?? null,
          phone: clean(input.phone),
          language: clean(input.language),
          language_locked: env.source === 'sync' && clean(input.language) ? 1 : 0,
          avatar_url: null,
          external: input.external ? 1 : 0,
          source: env.source,
          active: active ? 1 : 0,
          inactive_reason: active ? null : 'manual',
          status_note: null,
          email_verified: input.emailVerified ? 1 : 0,
          enrollment: 'none',
          invitation_resends: 0,
          expires_at: expiry(input.expiresAt),
          created_at: input.createdAt ? new Date(input.createdAt).toISOString() : now,
          updated_at: now,
          last_login_at: input.lastLoginAt ? new Date(input.lastLoginAt).toISOString() : null,
          login_count: input.loginCount ?? (input.lastLoginAt ? 1 : 0),
          deleted_at: null,
          anonymized_at: null,
          license: clean(input.license),
          password_hash: hashes[i] ?? null,
          failed_logins: 0,
          locked_until: null,
          external_id: clean(input.externalId),
          scim_attributes: input.scimAttributes ? JSON.stringify(input.scimAttributes) : null,
          email_type: clean(input.emailType),
          phone_type: clean(input.phoneType),
          version: 1,
          sort_name: sortName(firstName, lastName),
          search_text: searchDoc(base, customText(env, input.customFields ?? {})),
        },
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      outcomes[i] = { ok: false, error };
    }
  }
  if (prepared.length) {
    await insertPrepared(env, inputs, prepared);
    await afterUsersCreated(
      env,
      prepared.map((p) => ({
        id: p.row.id,
        roles: p.roles.map((r) => r.key),
        input: inputs[p.index]!,
        active: p.row.active === 1,
        license: p.row.license ?? null,
      })),
    );
  }
  for (const p of prepared) outcomes[p.index] = { ok: true, id: p.row.id };
  return outcomes.map((o) => o!);
}

async function insertChunks<T>(rows: T[], size: number, insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function insertPrepared(
  env: WriteEnv,
  inputs: UserInput[],
  prepared: { index: number; row: Insertable<UsersTable>; roles: RoleInfo[]; groups: string[]; tags: string[] }[],
): Promise<void> {
  const now = env.clock.now().toISOString();
  const fieldsByKey = new Map(env.fields.map((f) => [f.key, f]));
  await insertChunks(prepared, 200, (chunk) =>
    env.db
      .insertInto('users')
      .values(chunk.map((p) => p.row))
      .execute(),
  );
  const roleRows = prepared.flatMap((p) => p.roles.map((r) => ({ user_id: p.row.id, role_id: r.id })));
  await insertChunks(roleRows, 2000, (chunk) => env.db.insertInto('user_roles').values(chunk).execute());
  const groupRows = prepared.flatMap((p) => p.groups.map((g) => ({ user_id: p.row.id, group_id: g, added_at: now })));
  await insertChunks(groupRows, 2000, (chunk) => env.db.insertInto('group_members').values(chunk).execute());
  const tagRows = prepared.flatMap((p) => p.tags.map((t) => ({ user_id: p.row.id, tag_id: t })));
  await insertChunks(tagRows, 2000, (chunk) => env.db.insertInto('user_tags').values(chunk).execute());
  const contacts = prepared.flatMap((p) => contactRows(p.row.id, inputs[p.index]!.scimAttributes));
  await insertChunks(contacts, 1000, (chunk) => env.db.insertInto('user_contacts').values(chunk).execute());
  const valueRowsAll = prepared.flatMap((p) =>
    Object.entries(inputs[p.index]!.customFields ?? {}).flatMap(([key, value]) => {
      const field = fieldsByKey.get(key);
      return field ? valueRows(field, value).map((v) => ({ ...v, user_id: p.row.id, field_id: field.id })) : [];
    }),
  );
  await insertChunks(valueRowsAll, 1000, (chunk) => env.db.insertInto('user_field_values').values(chunk).execute());
  const activity = prepared.map((p) => ({
    at: now,
    actor_type: env.actor.type,
    actor_id: env.actor.id,
    action: 'user.created',
    target_type: 'user',
    target_id: p.row.id,
    data: JSON.stringify({ source: env.source }),
  }));
  await insertChunks(activity, 1000, (chunk) => env.db.insertInto('activity_log').values(chunk).execute());
}

export interface UpdateOptions {
  /** The version the caller read (If-Match); a mismatch is 412. */
  ifMatch?: number;
  /** Blank values leave the stored ones alone (imports). */
  keepExistingWhenEmpty?: boolean;
}

const columns: [keyof UserInput, keyof UsersTable][] = [
  ['username', 'username'],
  ['email', 'email'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['maternalSurname', 'maternal_surname'],
  ['displayName', 'display_name'],
  ['officialCode', 'official_code'],
  ['phone', 'phone'],
  ['language', 'language'],
  ['license', 'license'],
  ['externalId', 'external_id'],
  ['emailType', 'email_type'],
  ['phoneType', 'phone_type'],
];

/** Applies a partial write to one user. Returns the names of the fields that changed (none: no-op). */
export async function updateUser(env: WriteEnv, id: string, raw: UserInput, options: UpdateOptions = {}): Promise<string[]> {
  const existing = await env.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!existing || existing.deleted_at) throw notFound('user');
  if (options.ifMatch !== undefined && options.ifMatch !== existing.version) throw preconditionFailed();
  const input: UserInput = { ...raw };
  if (options.keepExistingWhenEmpty) {
    for (const key of Object.keys(input) as (keyof UserInput)[])
      if (key !== 'customFields' && isBlank(input[key])) delete input[key];
    if (input.customFields)
      input.customFields = Object.fromEntries(Object.entries(input.customFields).filter(([, v]) => !isBlank(v)));
  }
  for (const key of ['createdAt', 'lastLoginAt', 'loginCount'] as const) delete input[key];
  const errors = inputErrors(env, input, 'update', existing);
  if (errors.length) throw invalid(errors);

  const patch: Updateable<UsersTable> = {};
  const changed: string[] = [];
  for (const [key, column] of columns) {
    if (input[key] === undefined) continue;
    const value =
      key === 'firstName' || key === 'lastName' ? String(input[key] ?? '').trim() : clean(input[key] as string | null);
    if (value !== existing[column]) {
      (patch as Record<string, unknown>)[column] = value;
      changed.push(key);
    }
  }
  const flags: [keyof UserInput, 'external' | 'email_verified' | 'active'][] = [
    ['external', 'external'],
    ['emailVerified', 'email_verified'],
    ['active', 'active'],
  ];
  for (const [key, column] of flags) {
    if (input[key] === undefined) continue;
    const value = input[key] ? 1 : 0;
    if (value !== existing[column]) {
      patch[column] = value;
      changed.push(key);
    }
  }
  if (patch.active === 1) {
    patch.inactive_reason = null;
    patch.status_note = null;
  } else if (patch.active === 0) patch.inactive_reason = 'manual';
  if (input.expiresAt !== undefined) {
    const value = expiry(input.expiresAt);
    if (value !== existing.expires_at) {
      patch.expires_at = value;
      changed.push('expiresAt');
    }
  }
  if (patch.username !== undefined) patch.username_lower = lower(patch.username as string)!;
  if (patch.email !== undefined) patch.email_lower = lower(patch.email as string | null);
  if (patch.username_lower !== undefined || patch.email_lower) {
    const { byUsername, byEmail } = await taken(
      env,
      patch.username_lower ? [patch.username_lower as string] : [],
      patch.email_lower ? [patch.email_lower as string] : [],
    );
    const owner = byUsername.get(patch.username_lower as string);
    if (owner && owner !== id)
      throw conflict(`the username "${input.username}" is taken`, [{ field: 'username', code: 'duplicate' }]);
    const emailOwner = byEmail.get(patch.email_lower as string);
    if (emailOwner && emailOwner !== id)
      throw conflict(`the email "${input.email}" is used by another user`, [{ field: 'email', code: 'duplicate' }]);
  }
  if (input.scimAttributes !== undefined) {
    const value = input.scimAttributes && Object.keys(input.scimAttributes).length ? JSON.stringify(input.scimAttributes) : null;
    if (value !== existing.scim_attributes) {
      patch.scim_attributes = value;
      changed.push('scimAttributes');
      await env.db.deleteFrom('user_contacts').where('user_id', '=', id).execute();
      const contacts = contactRows(id, input.scimAttributes);
      if (contacts.length) await env.db.insertInto('user_contacts').values(contacts).execute();
    }
  }
  if (input.password) {
    patch.password_hash = await hashPassword(input.password);
    changed.push('password');
  } else if (input.passwordHash && input.passwordHash !== existing.password_hash) {
    patch.password_hash = input.passwordHash;
    changed.push('password');
  }

  if (input.roles !== undefined) {
    const current = await env.db.selectFrom('user_roles').select('role_id').where('user_id', '=', id).execute();
    const map = await env.resolver.roleMap();
    const currentRoles = current.map((r) => map.get(r.role_id)!).filter(Boolean);
    const roles = await rolesFor(env, input.roles, currentRoles);
    if (
      !sameSet(
        roles.map((r) => r.id),
        currentRoles.map((r) => r.id),
      )
    ) {
      await env.db.deleteFrom('user_roles').where('user_id', '=', id).execute();
      if (roles.length)
        await env.db
          .insertInto('user_roles')
          .values(roles.map((r) => ({ user_id: id, role_id: r.id })))
          .execute();
      changed.push('roles');
    }
  }
  if (input.groups !== undefined) {
    const wanted = await env.resolver.resolveGroups(input.groups);
    const current = (await env.db.selectFrom('group_members').select('group_id').where('user_id', '=', id).execute()).map(
      (r) => r.group_id,
    );
    if (!sameSet(wanted, current)) {
      const now = env.clock.now().toISOString();
      const removed = current.filter((g) => !wanted.includes(g));
      const added = wanted.filter((g) => !current.includes(g));
      if (removed.length)
        await env.db.deleteFrom('group_members').where('user_id', '=', id).where('group_id', 'in', removed).execute();
      if (added.length)
        await env.db
          .insertInto('group_members')
          .values(added.map((g) => ({ group_id: g, user_id: id, added_at: now })))
          .execute();
      changed.push('groups');
    }
  }
  if (input.tags !== undefined) {
    const wanted = await env.resolver.resolveTags(input.tags);
    const current = (await env.db.selectFrom('user_tags').select('tag_id').where('user_id', '=', id).execute()).map(
      (r) => r.tag_id,
    );
    if (!sameSet(wanted, current)) {
      await env.db.deleteFrom('user_tags').where('user_id', '=', id).execute();
      if (wanted.length)
        await env.db
          .insertInto('user_tags')
          .values(wanted.map((t) => ({ user_id: id, tag_id: t })))
          .execute();
      changed.push('tags');
    }
  }
  let customChanged = false;
  const storedValues = await env.db
    .selectFrom('user_field_values')
    .select(['field_id', 'value_text', 'value_norm', 'value_num', 'position'])
    .where('user_id', '=', id)
    .orderBy('position')
    .execute();
  for (const [key, value] of Object.entries(input.customFields ?? {})) {
    const field = env.fields.find((f) => f.key === key)!;
    const next = valueRows(field, value);
    const current = storedValues.filter((v) => v.field_id === field.id);
    const same =
      next.length === current.length &&
      next.every((n, i) => n.value_text === current[i]!.value_text && n.value_num === current[i]!.value_num);
    if (same) continue;
    await env.db.deleteFrom('user_field_values').where('user_id', '=', id).where('field_id', '=', field.id).execute();
    if (next.length)
      await env.db
        .insertInto('user_field_values')
        .values(next.map((v) => ({ ...v, user_id: id, field_id: field.id })))
        .execute();
    changed.push(`customFields.${key}`);
    customChanged = true;
  }
  if (changed.length === 0) return changed;

  const merged = { ...existing, ...patch } as Selectable<UsersTable>;
  if (patch.first_name !== undefined || patch.last_name !== undefined)
    patch.sort_name = sortName(merged.first_name, merged.last_name);
  const searchFields = ['first_name', 'last_name', 'maternal_surname', 'display_name', 'username', 'email', 'official_code'];
  if (customChanged || searchFields.some((f) => f in patch)) {
    const values = await env.db
      .selectFrom('user_field_values')
      .innerJoin('custom_fields', 'custom_fields.id', 'user_field_values.field_id')
      .select(['user_field_values.value_text', 'custom_fields.type'])
      .where('user_field_values.user_id', '=', id)
      .execute();
    const text = values.filter((v) => searchable({ type: v.type as never })).map((v) => v.value_text);
    patch.search_text = searchDoc(merged, text);
  }
  patch.version = existing.version + 1;
  patch.updated_at = env.clock.now().toISOString();
  const result = await env.db
    .updateTable('users')
    .set(patch)
    .where('id', '=', id)
    .where('version', '=', existing.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw preconditionFailed();
  await appendActivity(env.db, env.clock, env.actor, {
    action: 'user.updated',
    targetType: 'user',
    targetId: id,
    data: { fields: changed.filter((c) => c !== 'password'), password: changed.includes('password') || undefined },
  });
  await afterUserUpdated(env, id, existing, changed);
  return changed;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
