/**
 * Users on a plain SCIM 2.0 backend (no Userdeck admin API, DESIGN.md §3 "capability discovery"):
 * what the users list, form and profile can do there, decided from the server's
 * ServiceProviderConfig (the connection's `scim*` features). Main refuses the rest and the renderer
 * hides it, from this one rule set, so the two never disagree.
 */
import { hasFeature, type ConnectionCapabilities } from '../connections';
import type { UserQuery } from './directory';
import type { User } from './user';

/** One attribute of a SCIM resource as text, for the profile's read-only overview. */
export interface ScimAttribute {
  /** `''` for the core schema, else the extension's URN. */
  schema: string;
  /** `userName`, `name.givenName`, `emails`, `meta.created`… */
  path: string;
  value: string;
}

/** What a user read over SCIM carries beyond the app's user model. */
export interface ScimDetails {
  /** The resource's ETag (`meta.version`): the If-Match of the next write when the server offers ETags. */
  etag: string | null;
  attributes: ScimAttribute[];
}

/** A user as the users channels answer it: over SCIM, with the resource's own details. */
export type DirectoryUser = User & { scim?: ScimDetails };

/** Users go through SCIM: the backend has SCIM users and no admin API. */
export const usesScimUsers = (capabilities: ConnectionCapabilities | null | undefined): boolean =>
  !hasFeature(capabilities, 'users') && hasFeature(capabilities, 'scimUsers');

export const scimStatuses = ['active', 'inactive'] as const;
/** The list's sort keys a SCIM server can sort by (`name` is `name.familyName`). */
export const scimSorts = ['name', 'username'] as const;

export interface ScimUsersSupport {
  /** The search box becomes a SCIM filter (`filter.supported`). */
  search: boolean;
  /** Status filters (`active eq true/false`): needs filters too. */
  statuses: readonly (typeof scimStatuses)[number][];
  /** Sorting (`sort.supported`). */
  sorts: readonly (typeof scimSorts)[number][];
  /** RFC 9865 cursor paging; otherwise startIndex/count. */
  cursor: boolean;
  /** PATCH (`patch.supported`); otherwise a read and a PUT. */
  patch: boolean;
  /** ETags: writes send If-Match and a stale copy opens the compare dialog. */
  etag: boolean;
}

export function scimUsersSupport(capabilities: ConnectionCapabilities | null | undefined): ScimUsersSupport {
  const has = (feature: Parameters<typeof hasFeature>[1]) => hasFeature(capabilities, feature);
  return {
    search: has('scimFilter'),
    statuses: has('scimFilter') ? scimStatuses : [],
    sorts: has('scimSort') ? scimSorts : [],
    cursor: has('scimCursor'),
    patch: has('scimPatch'),
    etag: has('scimEtag'),
  };
}

/** The keys of a users-list query this SCIM server cannot answer (empty: it can). */
export function unsupportedScimQuery(query: UserQuery, support: ScimUsersSupport): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === '') continue;
    switch (key) {
      case 'page':
      case 'pageSize':
        break;
      case 'q':
        if (!support.search) out.push(key);
        break;
      case 'status':
        if (!(support.statuses as readonly string[]).includes(value)) out.push(key);
        break;
      case 'sort':
        if (!(support.sorts as readonly string[]).includes(value)) out.push(key);
        break;
      case 'order':
        // Without sorting, only the server's own order (shown as the default, ascending).
        if (!support.sorts.length && value !== 'asc') out.push(key);
        break;
      case 'cursor':
        if (!support.cursor) out.push(key);
        break;
      default:
        out.push(key);
    }
  }
  return out;
}

/** The query without what this SCIM server cannot answer (a route left from another connection). */
export function supportedScimQuery(query: UserQuery, support: ScimUsersSupport): UserQuery {
  const drop = new Set(unsupportedScimQuery(query, support));
  // A cursor belongs to the full query: it goes too when anything else is dropped.
  if (drop.size) {
    drop.add('cursor');
    drop.add('page');
  }
  return Object.fromEntries(Object.entries(query).filter(([key]) => !drop.has(key)));
}

/** The users table's columns a SCIM resource fills. */
export const scimColumns = ['avatar', 'name', 'username', 'email', 'status', 'createdAt', 'groups'] as const;

/** The status actions of SCIM (PATCH or PUT of `active`): no ban, no reason. */
export const scimStatusActions = ['activate', 'deactivate'] as const;

/** The form fields a SCIM core User stores; the form shows only these. */
export const scimWritableFields = [
  'username',
  'firstName',
  'lastName',
  'displayName',
  'email',
  'phone',
  'active',
  'password',
] as const;
export type ScimWritableField = (typeof scimWritableFields)[number];

/** SCIM requires only `userName`: the form's other required fields are optional there. */
export const scimRequiredFields: readonly string[] = ['username'];
