/**
 * Maps a file's columns to the user model: fixed tables for the known formats, header synonyms
 * for generic files, the connection's custom fields by key or label, and the admin's choice for
 * what is left (ignored, or kept as a custom field).
 */
import type { CellTransform, ColumnMapping, FileFormat, FileNotice, Mapping, MappingTarget } from '../../../common/files/types';
import { builtinFieldKeys, customFieldKeyPattern, type FieldSchema } from '../../../common/users/fields';
import { entraAttribute } from './formats';
import { fieldForHeader, normalizeHeader } from './synonyms';

type Rule = { target: MappingTarget; transform?: CellTransform };

const chamilo: Record<string, Rule> = {
  LastName: { target: 'lastName' },
  FirstName: { target: 'firstName' },
  Email: { target: 'email' },
  UserName: { target: 'username' },
  Password: { target: 'password' },
  AuthSource: { target: null },
  OfficialCode: { target: 'officialCode' },
  PhoneNumber: { target: 'phone' },
  Status: { target: 'roles', transform: 'chamiloStatus' },
  Courses: { target: 'groups', transform: 'list' },
  Language: { target: 'language' },
  Sessions: { target: null },
  ClassId: { target: null },
  Active: { target: 'active' },
  ExpiryDate: { target: 'expiresAt' },
};

const moodle: Record<string, Rule> = {
  username: { target: 'username' },
  firstname: { target: 'firstName' },
  lastname: { target: 'lastName' },
  email: { target: 'email' },
  password: { target: 'password' },
  auth: { target: null },
  idnumber: { target: 'officialCode' },
  lang: { target: 'language' },
  phone1: { target: 'phone' },
  phone2: { target: null },
  alternatename: { target: 'displayName' },
  suspended: { target: 'active', transform: 'suspended' },
};

const entra: Record<string, Rule> = {
  displayName: { target: 'displayName' },
  userPrincipalName: { target: 'username' },
  passwordProfile: { target: 'password' },
  accountEnabled: { target: 'active', transform: 'blockSignIn' },
  givenName: { target: 'firstName' },
  surname: { target: 'lastName' },
  mail: { target: 'email' },
  telephoneNumber: { target: 'phone' },
  employeeId: { target: 'officialCode' },
  preferredLanguage: { target: 'language' },
};

const google: Record<string, Rule> = {
  'First Name': { target: 'firstName' },
  'Last Name': { target: 'lastName' },
  'Email Address': { target: 'email' },
  Password: { target: 'password', transform: 'googlePassword' },
  'Employee ID': { target: 'officialCode' },
  'Mobile Phone': { target: 'phone' },
  'Work Phone': { target: 'phone' },
  'New Status': { target: 'active' },
  'Org Unit Path': { target: null },
  'Password Hash Function': { target: null },
  'Change Password at Next Sign-In': { target: null },
};

const okta: Record<string, Rule> = {
  login: { target: 'username' },
  email: { target: 'email' },
  firstName: { target: 'firstName' },
  lastName: { target: 'lastName' },
  displayName: { target: 'displayName' },
  mobilePhone: { target: 'phone' },
  primaryPhone: { target: 'phone' },
  preferredLanguage: { target: 'language' },
  employeeNumber: { target: 'officialCode' },
  password: { target: 'password' },
  secondEmail: { target: null },
};

const auth0: Record<string, Rule> = {
  email: { target: 'email' },
  username: { target: 'username' },
  given_name: { target: 'firstName' },
  family_name: { target: 'lastName' },
  name: { target: 'displayName' },
  email_verified: { target: 'emailVerified' },
  password_hash: { target: 'passwordHash', transform: 'auth0Hash' },
  custom_password_hash: { target: 'passwordHash', transform: 'auth0Hash' },
  phone_number: { target: 'phone' },
  blocked: { target: 'active', transform: 'suspended' },
  user_id: { target: null },
  nickname: { target: null },
  user_metadata: { target: null },
  app_metadata: { target: null },
};

const ldif: Record<string, Rule> = {
  dn: { target: null },
  objectClass: { target: null },
  uid: { target: 'username' },
  mail: { target: 'email' },
  givenName: { target: 'firstName' },
  sn: { target: 'lastName' },
  cn: { target: 'displayName' },
  displayName: { target: 'displayName' },
  telephoneNumber: { target: 'phone' },
  mobile: { target: 'phone' },
  preferredLanguage: { target: 'language' },
  employeeNumber: { target: 'officialCode' },
  memberOf: { target: 'groups', transform: 'list' },
  userPassword: { target: null },
};

/** Google's headers carry notes in brackets: `Password [Required]`. */
const googleName = (header: string) => header.replace(/\s*\[[^\]]*\]\s*$/g, '').trim();

function formatRule(format: FileFormat, column: string): Rule | undefined {
  switch (format) {
    case 'chamilo-csv':
    case 'chamilo-xml':
      return chamilo[column];
    case 'moodle-csv': {
      if (/^(course|group|cohort)\d+$/.test(column)) return { target: 'groups', transform: 'list' };
      if (/^(role|type|enrolperiod|enroltimestart|enrolstatus)\d+$/.test(column)) return { target: null };
      return moodle[column];
    }
    case 'entra-bulk-create': {
      const attribute = entraAttribute(column);
      return attribute ? (entra[attribute] ?? { target: null }) : undefined;
    }
    case 'google-workspace':
      return google[googleName(column)];
    case 'okta-csv':
      return okta[column];
    case 'auth0-json':
      return auth0[column];
    case 'ldif':
      return ldif[column];
    case 'userdeck-template':
      if ((builtinFieldKeys as string[]).includes(column))
        return { target: column, transform: listFields.has(column) ? 'list' : undefined };
      if (column.startsWith('cf.')) return { target: `customFields.${column.slice(3)}` };
      return undefined;
    default:
      return undefined;
  }
}

const listFields = new Set(['roles', 'groups', 'tags']);

/** The columns a results report adds to the original ones. */
export const reportColumns = ['userdeck_status', 'userdeck_reason', 'userdeck_user_id'];

export interface AutoMapOptions {
  /** The connection's fields; null offline with no cached schema. */
  schema: FieldSchema | null;
  /** What unmatched columns become. */
  unknownColumns?: 'ignore' | 'custom';
}

/** A custom field key made from a header: `T-shirt size` → `t_shirt_size`. */
export function slugKey(header: string): string | null {
  const slug = header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '');
  return customFieldKeyPattern.test(slug) ? slug : null;
}

export function autoMap(
  format: FileFormat,
  columns: string[],
  options: AutoMapOptions,
): { mapping: Mapping; notices: FileNotice[] } {
  const notices: FileNotice[] = [];
  const custom = options.schema?.customFields ?? [];
  const customByName = new Map<string, string>();
  for (const def of custom) {
    customByName.set(normalizeHeader(def.key), def.key);
    customByName.set(normalizeHeader(def.label), def.key);
  }
  const taken = new Set<string>();
  const out: ColumnMapping[] = [];
  for (const column of columns) {
    // Status columns of our own results report, when a report is imported again.
    let rule: Rule | undefined = reportColumns.includes(column) ? { target: null } : formatRule(format, column);
    if (!rule && format === 'moodle-csv' && column.startsWith('profile_field_')) {
      const key = column.slice('profile_field_'.length);
      if (!options.schema || customByName.has(normalizeHeader(key)))
        rule = { target: `customFields.${customByName.get(normalizeHeader(key)) ?? key}` };
      else {
        rule = { target: null };
        notices.push({
          code: 'unknownCustomField',
          message: `column "${column}" ignored: the directory has no custom field "${key}"`,
        });
      }
    }
    if (!rule) {
      const customKey = customByName.get(normalizeHeader(column.replace(/^cf\./, '')));
      if (customKey) rule = { target: `customFields.${customKey}` };
    }
    if (!rule) {
      const field = fieldForHeader(column);
      if (field) rule = { target: field, transform: listFields.has(field) ? 'list' : undefined };
    }
    if (!rule && options.unknownColumns === 'custom') {
      const key = slugKey(column);
      if (key) rule = { target: `customFields.${key}` };
    }
    rule ??= { target: null };
    const target = rule.target;
    // Several columns may feed one field (Okta's mobile and primary phones, Auth0's two hashes): the first filled one wins.
    if (target !== null && taken.has(target) && rule.transform !== 'list')
      notices.push({ code: 'sharedTarget', message: `column "${column}" also feeds "${target}": the first filled column wins` });
    if (target !== null) taken.add(target);
    const entry: ColumnMapping = { column, target };
    if (target !== null && rule.transform) entry.transform = rule.transform;
    out.push(entry);
  }
  return { mapping: { columns: out, source: format.startsWith('generic') ? 'synonyms' : 'format' }, notices };
}

/** Applies the admin's overrides (`Column=field`, `Column=` to ignore). */
export function overrideMapping(mapping: Mapping, overrides: Record<string, MappingTarget>): Mapping {
  const known = new Set(mapping.columns.map((c) => c.column));
  for (const column of Object.keys(overrides)) if (!known.has(column)) throw new Error(`no column "${column}" in the file`);
  return {
    source: 'manual',
    columns: mapping.columns.map((c) => {
      if (!Object.hasOwn(overrides, c.column)) return c;
      const target = overrides[c.column] ?? null;
      const entry: ColumnMapping = { column: c.column, target };
      if (target && listFields.has(target)) entry.transform = 'list';
      else if (target && target === c.target && c.transform) entry.transform = c.transform;
      return entry;
    }),
  };
}

/** `{column: target}` for reports. */
export const mappingObject = (mapping: Mapping): Record<string, MappingTarget> =>
  Object.fromEntries(mapping.columns.map((c) => [c.column, c.target]));

/** Whether a target names something the user model has. */
export function isValidTarget(target: string): boolean {
  return (
    (builtinFieldKeys as string[]).includes(target) ||
    target === 'passwordHash' ||
    /^customFields\.[a-z][a-z0-9_]{0,62}$/.test(target)
  );
}
