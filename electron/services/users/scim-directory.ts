/**
 * The users channels on a plain SCIM 2.0 backend, beside `DirectoryApi` (the admin API): list with
 * server-side paging (startIndex/count, or the RFC 9865 cursor), the search box and the status
 * filter as a SCIM filter, sort by name; get, create, edit (PATCH or a read and a PUT, If-Match
 * when the server has ETags), activate/deactivate and delete. What the server's
 * ServiceProviderConfig does not offer is refused as `notSupported` before any request.
 */
import { AppError, type FieldIssue } from '../../../common/errors';
import type { ConnectionCapabilities } from '../../../common/connections';
import type { CreateUserResult, UserFormWrite, UserListResult, UserQuery } from '../../../common/users/directory';
import { userListQuerySchema } from '../../../common/users/query';
import {
  scimUsersSupport,
  scimWritableFields,
  unsupportedScimQuery,
  type DirectoryUser,
  type ScimUsersSupport,
} from '../../../common/users/scim';
import type { CallOptions } from '../api/http';
import type { ScimClient, ScimListQuery, ScimPatchOperation, ScimUser } from '../api/scim';
import { formFieldOfAttribute, nameOf, scimUserFromWrite, userFromScim, withPrimary } from './scim-user';

/** A SCIM string literal (RFC 7644 §3.4.2.2: JSON string syntax). */
const literal = (value: string) => JSON.stringify(value);

/** The search box as a SCIM filter over the attributes people are found by. */
export function searchFilter(q: string): string {
  const v = literal(q);
  return `userName co ${v} or name.formatted co ${v} or emails.value co ${v}`;
}

/** The list's query as a SCIM filter, or undefined for none. */
export function scimFilterOf(query: UserQuery): string | undefined {
  const parts: string[] = [];
  const q = query.q?.trim();
  if (q) parts.push(searchFilter(q));
  if (query.status === 'active' || query.status === 'inactive') parts.push(`active eq ${query.status === 'active'}`);
  if (parts.length <= 1) return parts[0];
  return parts.map((p) => `(${p})`).join(' and ');
}

const sortAttributes: Record<string, string> = { name: 'name.familyName', username: 'userName' };

/** Form values SCIM has no place for: empty ones are ignored, others refused at their field. */
function refuseUnsupported(write: UserFormWrite): void {
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries(write)) {
    if ((scimWritableFields as readonly string[]).includes(key)) continue;
    const empty =
      value === null ||
      value === undefined ||
      value === '' ||
      value === false ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => v === null || v === ''));
    if (!empty) issues.push({ path: key, key: 'validation.user.unsupported' });
  }
  if (issues.length) throw new AppError('validation', { field: issues[0]!.path }, { key: 'errors.validation', issues });
}

/** Words a server's error text uses for each form field ("the username … is taken"). */
const fieldWords: [RegExp, string][] = [
  [/\buser ?name\b/i, 'username'],
  [/\be-?mails?\b/i, 'email'],
  [/\bgiven ?name\b|\bfirst ?name\b/i, 'firstName'],
  [/\bfamily ?name\b|\blast ?name\b/i, 'lastName'],
  [/\bdisplay ?name\b/i, 'displayName'],
  [/\bphone/i, 'phone'],
  [/\bpassword\b/i, 'password'],
];

/** The form field a SCIM error is about: the attribute it names, else the first field its text mentions. */
function formFieldOf(error: AppError): string | undefined {
  const named = formFieldOfAttribute[String(error.params.field ?? '').toLowerCase()];
  if (named) return named;
  const detail = String(error.params.detail ?? '');
  const hits = fieldWords
    .map(([pattern, field]) => ({ field, at: detail.search(pattern) }))
    .filter((hit) => hit.at >= 0)
    .sort((a, b) => a.at - b.at);
  // RFC 7643: userName is the attribute a SCIM server keeps unique.
  return hits[0]?.field ?? (error.code === 'conflict' ? 'username' : undefined);
}

/** A SCIM error about an attribute, placed at the form's field. */
function atFormField(error: unknown): never {
  if (error instanceof AppError && (error.code === 'validation' || error.code === 'conflict') && !error.issues?.length) {
    const field = formFieldOf(error);
    if (field) {
      const issues = [{ path: field, key: error.code === 'conflict' ? 'users.form.errors.taken' : 'validation.user.invalid' }];
      throw new AppError(error.code, { ...error.params, field }, { key: error.key, issues, details: error.details });
    }
  }
  throw error;
}

/** The server's current copy on a 412, as the compare dialog reads it (`current.value`). */
function staleWithCurrent(error: unknown): never {
  if (error instanceof AppError && error.code === 'staleVersion') {
    const current = (error.details as { current?: unknown } | undefined)?.current;
    const value = current && typeof current === 'object' ? userFromScim(current as ScimUser) : null;
    throw new AppError('staleVersion', error.params, { details: { current: value ? { value } : null } });
  }
  throw error;
}

export class ScimDirectory {
  readonly support: ScimUsersSupport;

  constructor(
    private readonly scim: ScimClient,
    capabilities: ConnectionCapabilities,
  ) {
    this.support = scimUsersSupport(capabilities);
  }

  async list(query: UserQuery, options: CallOptions = {}): Promise<UserListResult & { items: DirectoryUser[] }> {
    const unsupported = unsupportedScimQuery(query, this.support);
    if (unsupported.length) throw new AppError('notSupported', { feature: unsupported[0]! });
    const parsed = userListQuerySchema.parse(query);
    const request: ScimListQuery = { filter: scimFilterOf(query), count: parsed.pageSize };
    if (this.support.sorts.length) {
      request.sortBy = sortAttributes[parsed.sort];
      request.sortOrder = parsed.order === 'desc' ? 'descending' : 'ascending';
    }
    if (this.support.cursor) request.cursor = query.cursor ?? '';
    else request.startIndex = (parsed.page - 1) * parsed.pageSize + 1;
    const answer = await this.scim.listUsers(request, options);
    return {
      items: (answer.Resources ?? []).map(userFromScim),
      total: Number(answer.totalResults ?? 0),
      totalExact: true,
      page: parsed.page,
      pageSize: parsed.pageSize,
      nextCursor: answer.nextCursor ?? null,
      prevCursor: answer.previousCursor ?? null,
    };
  }

  async get(id: string): Promise<DirectoryUser> {
    return userFromScim(await this.scim.getUser(id));
  }

  async create(write: UserFormWrite): Promise<CreateUserResult> {
    refuseUnsupported(write);
    try {
      return { user: userFromScim(await this.scim.createUser(scimUserFromWrite(write))), mailed: false };
    } catch (error) {
      return atFormField(error);
    }
  }

  /**
   * Writes the changed fields: PATCH operations where the server has PATCH, else the resource read
   * again, changed and PUT back whole (so attributes the app does not show are kept). Either way
   * with If-Match when the server has ETags, so nobody's change is overwritten unseen.
   */
  async update(id: string, patch: UserFormWrite, etag: string | null): Promise<DirectoryUser> {
    refuseUnsupported(patch);
    const ifMatch = this.support.etag && etag ? etag : undefined;
    const needsCurrent = !this.support.patch || 'email' in patch || 'phone' in patch;
    const current = needsCurrent ? await this.scim.getUser(id) : null;
    try {
      if (this.support.patch) {
        const operations = this.operations(patch, current);
        if (!operations.length) return userFromScim(current ?? (await this.scim.getUser(id)));
        const answer = await this.scim.patchUser(id, operations, { ifMatch });
        // A server may answer 204 without the resource.
        return userFromScim(answer && answer.id ? answer : await this.scim.getUser(id));
      }
      return userFromScim(await this.scim.replaceUser(id, this.replaced(current!, patch), { ifMatch }));
    } catch (error) {
      if (error instanceof AppError && error.code === 'staleVersion') return staleWithCurrent(error);
      return atFormField(error);
    }
  }

  private operations(patch: UserFormWrite, current: ScimUser | null): ScimPatchOperation[] {
    const ops: ScimPatchOperation[] = [];
    const set = (path: string, value: unknown) =>
      ops.push(value === null || value === '' ? { op: 'remove', path } : { op: 'replace', path, value });
    if (patch.username !== undefined) ops.push({ op: 'replace', path: 'userName', value: patch.username });
    if (patch.firstName !== undefined) set('name.givenName', patch.firstName);
    if (patch.lastName !== undefined) set('name.familyName', patch.lastName);
    if (patch.firstName !== undefined || patch.lastName !== undefined) {
      const name = current?.name ?? {};
      const formatted = nameOf(patch.firstName ?? name.givenName ?? '', patch.lastName ?? name.familyName ?? '').formatted;
      set('name.formatted', formatted ?? null);
    }
    if (patch.displayName !== undefined) set('displayName', patch.displayName);
    if (patch.email !== undefined) ops.push({ op: 'replace', path: 'emails', value: withPrimary(current?.emails, patch.email) });
    if (patch.phone !== undefined)
      ops.push({ op: 'replace', path: 'phoneNumbers', value: withPrimary(current?.phoneNumbers, patch.phone) });
    if (patch.active !== undefined) ops.push({ op: 'replace', path: 'active', value: patch.active });
    if (patch.password) ops.push({ op: 'replace', path: 'password', value: patch.password });
    return ops;
  }

  private replaced(current: ScimUser, patch: UserFormWrite): ScimUser {
    const { meta: _meta, ...next } = structuredClone(current);
    if (patch.username !== undefined) next.userName = patch.username;
    if (patch.firstName !== undefined || patch.lastName !== undefined) {
      const first = patch.firstName ?? current.name?.givenName ?? '';
      const last = patch.lastName ?? current.name?.familyName ?? '';
      const { givenName: _g, familyName: _f, formatted: _x, ...rest } = current.name ?? {};
      next.name = { ...rest, ...nameOf(first, last) };
    }
    if (patch.displayName !== undefined) {
      if (patch.displayName) next.displayName = patch.displayName;
      else delete next.displayName;
    }
    if (patch.email !== undefined) next.emails = withPrimary(current.emails, patch.email) as ScimUser['emails'];
    if (patch.phone !== undefined) next.phoneNumbers = withPrimary(current.phoneNumbers, patch.phone);
    if (patch.active !== undefined) next.active = patch.active;
    if (patch.password) next.password = patch.password;
    return next;
  }

  /** Activate or deactivate: `active` by PATCH, or a read and a PUT. */
  async setStatus(id: string, action: string): Promise<DirectoryUser> {
    if (action !== 'activate' && action !== 'deactivate') throw new AppError('notSupported', { feature: action });
    return this.update(id, { active: action === 'activate' }, null);
  }

  /** SCIM deletes for good (RFC 7644 §3.6): the renderer confirms first. */
  async delete(id: string, etag: string | null): Promise<void> {
    try {
      await this.scim.deleteUser(id, { ifMatch: this.support.etag && etag ? etag : undefined });
    } catch (error) {
      return staleWithCurrent(error);
    }
  }
}
