/**
 * A user as a SCIM resource and back. Attributes the user model has map to its fields; the other
 * attributes of the core and enterprise schemas (title, addresses, manager…) are kept as they came
 * in `scimAttributes`, so nothing an identity provider sends is lost. Passwords are write-only.
 */
import type { CustomFieldValue, User } from '../../common/users/user';
import type { StoredField } from '../custom-fields/store';
import { etagOf } from '../http/etag';
import type { UserInput } from '../users/write';
import {
  enterpriseAttributes,
  enterpriseSchema,
  findAttr,
  userAttributes,
  userdeckAttributes,
  userdeckSchema,
  userSchema,
  type Attr,
} from './schemas';
import { asBoolean, asString, getCi, invalidSyntax, invalidValue, isObject, keyCi, type Json } from './values';

export interface ScimUserExtra {
  externalId: string | null;
  scimAttributes: { core?: Json; enterprise?: Json } | null;
  /** The SCIM type of the primary email and phone; null (never given) reads as `work`. */
  emailType?: string | null;
  phoneType?: string | null;
}

const mappedCore = new Set([
  'id',
  'externalid',
  'meta',
  'schemas',
  'username',
  'name',
  'displayname',
  'emails',
  'phonenumbers',
  'preferredlanguage',
  'active',
  'password',
  'groups',
  'roles',
]);
const keptNameParts = ['middleName', 'honorificPrefix', 'honorificSuffix'];

const compact = (obj: Json): Json =>
  Object.fromEntries(
    Object.entries(obj).filter(
      ([, v]) =>
        v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0),
    ),
  );

export function toScimUser(user: User, extra: ScimUserExtra, base: string): Json {
  const core = extra.scimAttributes?.core ?? {};
  const enterprise = extra.scimAttributes?.enterprise ?? {};
  const nameExtra = isObject(core.name) ? core.name : {};
  const otherEmails = Array.isArray(core.emails) ? core.emails : [];
  const otherPhones = Array.isArray(core.phoneNumbers) ? core.phoneNumbers : [];
  const rest = Object.fromEntries(Object.entries(core).filter(([k]) => !['name', 'emails', 'phoneNumbers'].includes(k)));
  const formatted = `${user.firstName} ${user.lastName}`.trim();
  return compact({
    schemas: [userSchema, enterpriseSchema, userdeckSchema],
    id: user.id,
    externalId: extra.externalId,
    userName: user.username,
    name: compact({
      formatted: formatted || null,
      familyName: user.lastName || null,
      givenName: user.firstName || null,
      ...nameExtra,
    }),
    displayName: user.displayName,
    emails: [...(user.email ? [{ value: user.email, type: extra.emailType ?? 'work', primary: true }] : []), ...otherEmails],
    phoneNumbers: [
      ...(user.phone ? [{ value: user.phone, type: extra.phoneType ?? 'work', primary: true }] : []),
      ...otherPhones,
    ],
    preferredLanguage: user.language,
    ...rest,
    active: user.active,
    groups: user.groups.map((g) => ({ value: g.id, display: g.name, type: 'direct', $ref: `${base}/Groups/${g.id}` })),
    roles: user.roles.map((r) => ({ value: r })),
    [enterpriseSchema]: compact({ employeeNumber: user.officialCode, ...enterprise }),
    [userdeckSchema]: compact({
      maternalSurname: user.maternalSurname,
      external: user.external,
      source: user.source,
      emailVerified: user.emailVerified,
      inactiveReason: user.inactiveReason,
      enrollment: user.enrollment,
      expiresAt: user.expiresAt,
      lastLoginAt: user.lastLoginAt,
      loginCount: user.loginCount,
      license: user.license,
      tags: user.tags,
      customFields: Object.keys(user.customFields).length ? user.customFields : null,
    }),
    meta: {
      resourceType: 'User',
      created: user.createdAt,
      lastModified: user.updatedAt,
      version: etagOf(user.version),
      location: `${base}/Users/${user.id}`,
    },
  });
}

/** Checks a value against its attribute definition (type, multi-valued, sub-attributes). */
function checkAttr(attr: Attr, value: unknown, path: string): unknown {
  if (value === null) return null;
  if (attr.multiValued) {
    if (!Array.isArray(value)) throw invalidValue(`the attribute "${path}" must be a list`);
    return value.map((v, i) => checkSingle(attr, v, `${path}[${i}]`));
  }
  return checkSingle(attr, value, path);
}

function checkSingle(attr: Attr, value: unknown, path: string): unknown {
  switch (attr.type) {
    case 'complex': {
      // Entra sends some complex values (the enterprise manager) as their bare `value` string.
      if (typeof value === 'string' && findAttr(attr.subAttributes, 'value')) return { value };
      if (!isObject(value)) throw invalidValue(`the attribute "${path}" must be an object`);
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) {
        const sub = findAttr(attr.subAttributes, k);
        if (!sub) throw invalidSyntax(`unknown attribute "${path}.${k}"`);
        out[sub.name] = checkAttr(sub, v, `${path}.${sub.name}`);
      }
      return out;
    }
    case 'boolean':
      return asBoolean(value, path);
    case 'decimal':
    case 'integer':
      if (typeof value !== 'number') throw invalidValue(`the attribute "${path}" must be a number`);
      return value;
    default:
      return asString(value, path);
  }
}

/** The primary value of a multi-valued attribute: the primary one, else a work one, else the first. */
function primaryOf(list: Json[]): number {
  const primary = list.findIndex((e) => e.primary === true);
  if (primary >= 0) return primary;
  const work = list.findIndex((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work');
  return work >= 0 ? work : 0;
}

/**
 * A SCIM user body as a user write. `replace` (POST and PUT) sets every mapped field, clearing what
 * is missing; roles and the Userdeck extension change only when present, so an identity provider
 * that does not know them never wipes them.
 */
export function fromScimUser(body: Json, fields: StoredField[], knownUrns: string[]): UserInput {
  const schemas = getCi(body, 'schemas');
  if (schemas !== undefined) {
    if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string'))
      throw invalidValue('"schemas" must be a list of URIs');
    const unknown = schemas.filter((s) => !knownUrns.some((u) => u.toLowerCase() === String(s).toLowerCase()));
    if (unknown.length) throw invalidValue(`unknown schema "${String(unknown[0])}"`);
  }
  const core: Json = {};
  const coreExtra: Json = {};
  let enterprise: Json | undefined;
  let userdeck: Json | undefined;
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (lower === enterpriseSchema.toLowerCase() || lower === userdeckSchema.toLowerCase()) {
      if (value === null) continue;
      if (!isObject(value)) throw invalidValue(`"${key}" must be an object`);
      if (lower === enterpriseSchema.toLowerCase()) enterprise = value;
      else userdeck = value;
      continue;
    }
    if (lower.startsWith('urn:')) throw invalidValue(`unknown schema extension "${key}"`);
    if (lower === 'schemas' || lower === 'meta' || lower === 'id' || lower === 'groups') continue; // read-only: ignored
    const attr = findAttr(userAttributes, key);
    if (!attr && lower !== 'externalid') throw invalidSyntax(`unknown attribute "${key}"`);
    if (lower === 'externalid') {
      core.externalId = asString(value, 'externalId');
      continue;
    }
    const checked = checkAttr(attr!, value, attr!.name);
    if (mappedCore.has(lower)) core[attr!.name] = checked;
    else if (checked !== null) coreExtra[attr!.name] = checked;
  }
  const input: UserInput = {};
  const userName = asString(core.userName, 'userName');
  if (userName !== null) input.username = userName;
  const name = isObject(core.name) ? core.name : {};
  input.firstName = asString(getCi(name, 'givenName'), 'name.givenName') ?? '';
  input.lastName = asString(getCi(name, 'familyName'), 'name.familyName') ?? '';
  const nameExtra = Object.fromEntries(
    keptNameParts.filter((k) => name[k] !== undefined && name[k] !== null).map((k) => [k, name[k]]),
  );
  if (Object.keys(nameExtra).length) coreExtra.name = nameExtra;
  input.displayName = asString(core.displayName, 'displayName');
  const emails = (Array.isArray(core.emails) ? core.emails : []) as Json[];
  const withValue = emails.filter((e) => typeof e.value === 'string' && e.value.trim() !== '');
  // The primary value goes to the user's column with its type beside it (null for `work`, the type
  // a missing one reads as, so that echoing a resource back changes nothing); the others are kept
  // as they came.
  const typeOf = (entry: Json | undefined) => {
    const type = typeof entry?.type === 'string' ? entry.type.trim() : '';
    return type === '' || type.toLowerCase() === 'work' ? null : type;
  };
  if (withValue.length) {
    const at = primaryOf(withValue);
    input.email = String(withValue[at]!.value).trim();
    input.emailType = typeOf(withValue[at]);
    const others = withValue.filter((_, i) => i !== at);
    if (others.length) coreExtra.emails = others;
  } else {
    input.email = null;
    input.emailType = null;
  }
  const phones = ((Array.isArray(core.phoneNumbers) ? core.phoneNumbers : []) as Json[]).filter(
    (p) => typeof p.value === 'string' && p.value.trim() !== '',
  );
  if (phones.length) {
    const at = primaryOf(phones);
    input.phone = String(phones[at]!.value).trim();
    input.phoneType = typeOf(phones[at]);
    const others = phones.filter((_, i) => i !== at);
    if (others.length) coreExtra.phoneNumbers = others;
  } else {
    input.phone = null;
    input.phoneType = null;
  }
  input.language = asString(core.preferredLanguage, 'preferredLanguage');
  if (core.active !== undefined && core.active !== null) input.active = core.active as boolean;
  if (typeof core.password === 'string' && core.password !== '') input.password = core.password;
  if (Array.isArray(core.roles))
    input.roles = (core.roles as Json[]).map((r) => asString(r.value, 'roles.value')).filter((r): r is string => !!r);
  input.externalId = (core.externalId as string | null | undefined) ?? null;

  const enterpriseOut: Json = {};
  input.officialCode = null;
  for (const [key, value] of Object.entries(enterprise ?? {})) {
    const attr = findAttr(enterpriseAttributes, key);
    if (!attr) throw invalidSyntax(`unknown attribute "${enterpriseSchema}:${key}"`);
    const checked = checkAttr(attr, value, attr.name);
    if (attr.name === 'employeeNumber') input.officialCode = checked as string | null;
    else if (checked !== null) enterpriseOut[attr.name] = checked;
  }
  input.scimAttributes = {
    ...(Object.keys(coreExtra).length ? { core: coreExtra } : {}),
    ...(Object.keys(enterpriseOut).length ? { enterprise: enterpriseOut } : {}),
  };

  if (userdeck) {
    const defs = userdeckAttributes(fields);
    for (const [key, value] of Object.entries(userdeck)) {
      const attr = findAttr(defs, key);
      if (!attr) throw invalidSyntax(`unknown attribute "${userdeckSchema}:${key}"`);
      if (attr.mutability === 'readOnly') continue;
      const checked = checkAttr(attr, value, attr.name);
      switch (attr.name) {
        case 'maternalSurname':
        case 'license':
          input[attr.name] = checked as string | null;
          break;
        case 'phone':
          if (checked) input.phone = checked as string;
          break;
        case 'external':
        case 'emailVerified':
          if (checked !== null) input[attr.name] = checked as boolean;
          break;
        case 'expiresAt':
          input.expiresAt = checked as string | null;
          break;
        case 'tags':
          input.tags = (checked as string[] | null) ?? [];
          break;
        case 'customFields': {
          const values: Record<string, CustomFieldValue> = {};
          for (const field of fields) values[field.key] = null;
          for (const [k, v] of Object.entries((checked as Json | null) ?? {})) {
            const field = fields.find((f) => f.key.toLowerCase() === k.toLowerCase());
            if (field) values[field.key] = v as CustomFieldValue;
          }
          input.customFields = values;
          break;
        }
      }
    }
  }
  return input;
}

/** Known URNs a user body may list in `schemas` or use as keys. */
export const userUrns = [userSchema, enterpriseSchema, userdeckSchema];

export { keyCi };
