/**
 * SCIM User resources (RFC 7643 §4.1) as the app's users and back: the core attributes the form
 * edits map to the user model; everything else the server sent is kept as text for the profile's
 * read-only overview. Fields SCIM does not have get the model's neutral values.
 */
import type { ScimAttribute, DirectoryUser } from '../../../common/users/scim';
import type { UserFormWrite } from '../../../common/users/directory';
import { scimSchemas, type ScimUser } from '../api/scim';

type Multi = { value?: unknown; type?: unknown; primary?: unknown; display?: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** The index of a multi-valued attribute's primary value: the primary one, else a work one, else the first. */
export function primaryIndex(list: Multi[]): number {
  const primary = list.findIndex((e) => e.primary === true);
  if (primary >= 0) return primary;
  const work = list.findIndex((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work');
  return work >= 0 ? work : list.length ? 0 : -1;
}

function multi(value: unknown): Multi[] {
  return Array.isArray(value) ? value.filter(isObject).filter((e) => str(e.value) !== null) : [];
}

function primaryValue(value: unknown): string | null {
  const list = multi(value);
  const at = primaryIndex(list);
  return at >= 0 ? String(list[at]!.value) : null;
}

/** `W/"12"` → 12: the Userdeck server's ETags carry its version; any other tag gives 0. */
function versionOf(etag: string | null): number {
  const match = etag ? /^(?:W\/)?"(\d{1,15})"$/.exec(etag.trim()) : null;
  return match ? Number(match[1]) : 0;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One element of a multi-valued attribute: its value, then what qualifies it. */
function elementText(element: unknown): string {
  if (!isObject(element)) return text(element);
  const main = element.value ?? element.display ?? '';
  const extra = Object.entries(element)
    .filter(([k]) => !['value', '$ref'].includes(k))
    .map(([k, v]) =>
      k === 'primary' ? (v === true ? 'primary' : '') : k === 'display' && element.value === undefined ? '' : text(v),
    )
    .filter(Boolean);
  return extra.length ? `${text(main)} (${extra.join(', ')})` : text(main);
}

function flatten(schema: string, prefix: string, value: unknown, out: ScimAttribute[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const element of value) out.push({ schema, path: prefix, value: elementText(element) });
    return;
  }
  if (isObject(value)) {
    for (const [key, sub] of Object.entries(value)) flatten(schema, prefix ? `${prefix}.${key}` : key, sub, out);
    return;
  }
  out.push({ schema, path: prefix, value: text(value) });
}

/** Every attribute of a resource as text, core first, then each extension; never a password. */
export function attributesOf(resource: ScimUser): ScimAttribute[] {
  const out: ScimAttribute[] = [];
  const extensions: [string, unknown][] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas' || key.toLowerCase() === 'password') continue;
    if (key.toLowerCase().startsWith('urn:')) extensions.push([key, value]);
    else flatten('', key, value, out);
  }
  for (const [urn, value] of extensions) flatten(urn, '', value, out);
  return out;
}

/** A SCIM User as the app's user (plus its ETag and attributes). */
export function userFromScim(resource: ScimUser): DirectoryUser {
  const name = isObject(resource.name) ? resource.name : {};
  const enterprise = resource[scimSchemas.enterpriseUser];
  const etag = str(resource.meta?.version) ?? null;
  const created = str(resource.meta?.created) ?? '';
  return {
    id: String(resource.id ?? ''),
    username: String(resource.userName ?? ''),
    email: primaryValue(resource.emails),
    firstName: str(name.givenName) ?? '',
    lastName: str(name.familyName) ?? '',
    maternalSurname: null,
    displayName: str(resource.displayName),
    officialCode: isObject(enterprise) ? str(enterprise.employeeNumber) : null,
    phone: primaryValue(resource.phoneNumbers),
    language: str(resource.preferredLanguage),
    languageLocked: false,
    avatarUrl: null,
    external: false,
    source: 'scim',
    // RFC 7643: a missing `active` says nothing; such servers have no inactive users.
    active: resource.active !== false,
    inactiveReason: resource.active === false ? 'manual' : null,
    statusNote: null,
    emailVerified: false,
    enrollment: 'none',
    invitationResends: 0,
    expiresAt: null,
    createdAt: created,
    updatedAt: str(resource.meta?.lastModified) ?? created,
    lastLoginAt: null,
    loginCount: 0,
    deletedAt: null,
    anonymizedAt: null,
    roles: [],
    groups: multi(resource.groups).map((g) => ({ id: String(g.value), name: str(g.display) ?? String(g.value) })),
    tags: [],
    badges: [],
    license: null,
    customFields: {},
    version: versionOf(etag),
    scim: { etag, attributes: attributesOf(resource) },
  };
}

/** The SCIM `name` of a first and last name (`formatted` for servers that show only that). */
export function nameOf(first: string, last: string): NonNullable<ScimUser['name']> {
  const name: NonNullable<ScimUser['name']> = {};
  if (first) name.givenName = first;
  if (last) name.familyName = last;
  const formatted = [first, last].filter(Boolean).join(' ');
  if (formatted) name.formatted = formatted;
  return name;
}

/** A new SCIM User from the form. */
export function scimUserFromWrite(write: UserFormWrite): ScimUser {
  const user: ScimUser = { schemas: [scimSchemas.user], userName: write.username ?? '' };
  const name = nameOf(write.firstName ?? '', write.lastName ?? '');
  if (name.formatted) user.name = name;
  if (write.displayName) user.displayName = write.displayName;
  if (write.email) user.emails = [{ value: write.email, type: 'work', primary: true }];
  if (write.phone) user.phoneNumbers = [{ value: write.phone, type: 'work', primary: true }];
  if (write.active !== undefined) user.active = write.active;
  if (write.password) user.password = write.password;
  return user;
}

/**
 * A multi-valued attribute with its primary value replaced (or removed, for null), the others
 * kept as they were: the form edits one email and one phone, a SCIM user may have several.
 */
export function withPrimary(current: unknown, value: string | null): Multi[] {
  const list = multi(current);
  const at = primaryIndex(list);
  const others = list.filter((_, i) => i !== at);
  if (value === null) return others;
  const kept = at >= 0 ? list[at]! : {};
  return [{ ...kept, value, type: typeof kept.type === 'string' ? kept.type : 'work', primary: true }, ...others];
}

/** Where each form field lives in a SCIM User, for errors that name an attribute. */
export const formFieldOfAttribute: Record<string, string> = {
  username: 'username',
  'name.givenname': 'firstName',
  'name.familyname': 'lastName',
  displayname: 'displayName',
  emails: 'email',
  'emails.value': 'email',
  phonenumbers: 'phone',
  'phonenumbers.value': 'phone',
  active: 'active',
  password: 'password',
};
