/**
 * Turns one file record into the user it describes, through the mapping and its transforms. Values
 * stay as written (no silent trimming); what cannot be read is kept raw so validation names it.
 */
import type { CellTransform, Mapping } from '../../../common/files/types';
import type { FieldSchema } from '../../../common/users/fields';
import type { CustomFieldValue, UserWrite } from '../../../common/users/user';
import { fieldReader, isValidEmailFast } from '../../../common/users/compiled-validation';
import { isBlank, parseBoolean, parseIsoDate, parseNumber } from '../../../common/users/validation';

/** A user as read from a file: built-in fields and custom fields, values as read. */
export interface ReadUser {
  fields: Record<string, unknown>;
  customFields: Record<string, unknown>;
  /** Field (or `customFields.key`) → the column it came from, to name it in problems (may be shared by rows). */
  columns: Readonly<Record<string, string>>;
  /** Problems found while reading a cell (an unknown Chamilo status, an unusable hash…). */
  problems: { field: string; code: string; message: string }[];
  /** Google `****`: leave the current password alone. */
  keepPassword: boolean;
}

const teacherWords = new Set([
  '1',
  'teacher',
  'trainer',
  'profesor',
  'profesora',
  'docente',
  'enseignant',
  'enseignante',
  'formateur',
  'coursemanager',
]);
const studentWords = new Set([
  '5',
  'user',
  'student',
  'learner',
  'estudiante',
  'alumno',
  'alumna',
  'etudiant',
  'étudiant',
  'eleve',
  'élève',
  'apprenant',
]);
const inactiveWords = new Set([
  'suspended',
  'blocked',
  'disabled',
  'banned',
  'suspendido',
  'bloqueado',
  'suspendu',
  'bloqué',
  'bloque',
]);

/** Role keys for Chamilo's teacher and student, resolved against the directory's roles. */
export function chamiloRoles(schema: FieldSchema | null): { teacher: string; student: string } {
  const pick = (candidates: string[], fallback: string) => {
    for (const candidate of candidates) {
      const found = schema?.roles.find((r) => r.key.toLowerCase() === candidate || r.name.toLowerCase() === candidate);
      if (found) return found.key;
    }
    return fallback;
  };
  return {
    teacher: pick(['teacher', 'content_admin', 'contentadmin', 'content admin'], 'content_admin'),
    student: pick(['student', 'end_user', 'enduser', 'end user', 'user'], 'end_user'),
  };
}

export function splitList(value: string): string[] {
  const separator = value.includes('|') ? '|' : value.includes(';') ? ';' : value.includes('\n') ? '\n' : ',';
  return value
    .split(separator)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function activeValue(value: string): unknown {
  const word = value.trim().toLowerCase();
  if (inactiveWords.has(word)) return false;
  return parseBoolean(word) ?? value;
}

/** Auth0's `password_hash` (bcrypt) or `custom_password_hash` ({algorithm, hash: {value}}) as a PHC/crypt string. */
function auth0Hash(value: string): { hash?: string; problem?: string } {
  const text = value.trim();
  if (text.startsWith('$')) return { hash: text };
  try {
    const parsed = JSON.parse(text) as { algorithm?: string; hash?: { value?: string } | string };
    const hash = typeof parsed.hash === 'string' ? parsed.hash : parsed.hash?.value;
    if (hash && hash.startsWith('$')) return { hash };
    return {
      problem: `unsupported password hash${parsed.algorithm ? ` (${parsed.algorithm})` : ''}: only bcrypt, argon2 and PHC strings import`,
    };
  } catch {
    return { problem: 'unreadable password hash' };
  }
}

export function readUser(cells: string[], mapping: Mapping, schema: FieldSchema | null): ReadUser {
  return compileReader(mapping, schema)(cells);
}

interface ReaderColumn {
  index: number;
  column: string;
  target: string;
  /** The custom field key of a `customFields.<key>` target, else null. */
  custom: string | null;
  transform: CellTransform;
  /** `fields.<target>` and `fields.<target> = value` (see fieldReader). */
  read: (fields: Record<string, unknown>) => unknown;
  write: (fields: Record<string, unknown>, value: unknown) => void;
}

type FieldWriter = (fields: Record<string, unknown>, value: unknown) => void;

/** `fields.<key> = value` with one store site per name, which V8 keeps fast (`fields[key] = value` is not). */
const fieldWriters: Record<string, FieldWriter> = {
  username: (f, v) => void (f.username = v),
  email: (f, v) => void (f.email = v),
  firstName: (f, v) => void (f.firstName = v),
  lastName: (f, v) => void (f.lastName = v),
  maternalSurname: (f, v) => void (f.maternalSurname = v),
  displayName: (f, v) => void (f.displayName = v),
  officialCode: (f, v) => void (f.officialCode = v),
  phone: (f, v) => void (f.phone = v),
  language: (f, v) => void (f.language = v),
  password: (f, v) => void (f.password = v),
  passwordHash: (f, v) => void (f.passwordHash = v),
  external: (f, v) => void (f.external = v),
  active: (f, v) => void (f.active = v),
  emailVerified: (f, v) => void (f.emailVerified = v),
  expiresAt: (f, v) => void (f.expiresAt = v),
  roles: (f, v) => void (f.roles = v),
  groups: (f, v) => void (f.groups = v),
  tags: (f, v) => void (f.tags = v),
  license: (f, v) => void (f.license = v),
};
const fieldWriter = (key: string): FieldWriter =>
  Object.hasOwn(fieldWriters, key) ? fieldWriters[key]! : (f, v) => void (f[key] = v);

/**
 * `readUser` for every record of one file: what depends only on the mapping (targets, transforms,
 * which column names each field) is worked out once instead of once per row.
 */
export function compileReader(mapping: Mapping, schema: FieldSchema | null): (cells: string[]) => ReadUser {
  const columns: ReaderColumn[] = [];
  mapping.columns.forEach(({ column, target, transform }, index) => {
    if (target === null) return;
    const custom = target.startsWith('customFields.') ? target.slice('customFields.'.length) : null;
    columns.push({
      index,
      column,
      target,
      custom,
      transform: transform ?? 'text',
      read: fieldReader(target),
      write: fieldWriter(target),
    });
  });
  // When no field is fed by two columns, every row names the same column for each field.
  const namedOnce = new Set(columns.map((c) => c.target)).size === columns.length;
  const sameColumns: Record<string, string> = {};
  if (namedOnce) for (const c of columns) sameColumns[c.target] = c.column;
  // With a username and an email column nothing below changes a row's columns: all rows share one.
  const shared = namedOnce && 'username' in sameColumns && 'email' in sameColumns ? Object.freeze(sameColumns) : null;
  let roles: { teacher: string; student: string } | null = null;
  return (cells) => {
    const fields: Record<string, unknown> = {};
    const customFields: Record<string, unknown> = {};
    const named: Record<string, string> = shared ?? (namedOnce ? { ...sameColumns } : {});
    const user: ReadUser = { fields, customFields, columns: named, problems: [], keepPassword: false };
    for (let i = 0; i < columns.length; i++) {
      const { index, column, target, custom, transform: t, read, write } = columns[i]!;
      const raw = cells[index] ?? '';
      // A field's value is never undefined once set, so `read(fields) !== undefined` is `target in fields`.
      const filled = t === 'list' ? false : custom !== null ? custom in customFields : read(fields) !== undefined;
      if (raw === '' || filled) {
        if (!namedOnce) named[target] ??= column;
        continue;
      }
      if (!namedOnce) named[target] = column;
      if (custom !== null) {
        customFields[custom] = raw;
        continue;
      }
      switch (t) {
        case 'list': {
          const values = splitList(raw);
          const previous = (fields[target] as string[] | undefined) ?? [];
          fields[target] = [...previous, ...values.filter((v) => !previous.includes(v))];
          break;
        }
        case 'chamiloStatus': {
          const word = raw.trim().toLowerCase();
          roles ??= chamiloRoles(schema);
          if (teacherWords.has(word)) fields.roles = [roles.teacher];
          else if (studentWords.has(word)) fields.roles = [roles.student];
          else
            user.problems.push({
              field: 'roles',
              code: 'unknownRole',
              message: `unknown Chamilo status: ${raw} (expected 1/teacher or 5/student)`,
            });
          break;
        }
        case 'blockSignIn': {
          const blocked = parseBoolean(raw);
          fields.active = blocked === null ? raw : !blocked;
          break;
        }
        case 'suspended': {
          const suspended = parseBoolean(raw);
          fields.active = suspended === null ? raw : !suspended;
          break;
        }
        case 'googlePassword':
          if (/^\*+$/.test(raw)) user.keepPassword = true;
          else fields.password = raw;
          break;
        case 'auth0Hash': {
          const { hash, problem } = auth0Hash(raw);
          if (hash) fields.passwordHash = hash;
          else user.problems.push({ field: 'passwordHash', code: 'passwordHash', message: problem! });
          break;
        }
        default:
          write(
            fields,
            target === 'active'
              ? activeValue(raw)
              : target === 'external' || target === 'emailVerified'
                ? (parseBoolean(raw) ?? raw)
                : raw,
          );
      }
    }
    // A list with a login but no separate column for the other (Google, Auth0, Entra): the email is the login.
    if (!('username' in named) && 'email' in named) {
      named.username = named.email;
      if (fields.email !== undefined) fields.username = fields.email;
    }
    if (!('email' in named) && 'username' in named) {
      const username = fields.username;
      if (typeof username === 'string' && isValidEmailFast(username)) {
        fields.email = username;
        named.email = named.username;
      }
    }
    return user;
  };
}

/** The record `validateUser` checks: built-in fields plus `customFields`. */
export function validationRecord(user: ReadUser): Record<string, unknown> {
  const record: Record<string, unknown> = { ...user.fields };
  delete record.passwordHash;
  if (Object.keys(user.customFields).length) record.customFields = user.customFields;
  return record;
}

function typedCustom(value: unknown, type: string | undefined): CustomFieldValue {
  if (typeof value !== 'string') return value as CustomFieldValue;
  switch (type) {
    case 'number':
      return parseNumber(value);
    case 'boolean':
      return parseBoolean(value);
    case 'date':
      return parseIsoDate(value);
    case 'multiselect':
      return splitList(value);
    default:
      return value;
  }
}

/**
 * The admin API write of a (valid) user. Empty cells are left out, so an update never blanks a
 * value unless `blankClears` asks for it.
 */
export function toUserWrite(user: ReadUser, schema: FieldSchema | null, blankClears = false): UserWrite {
  const write: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user.fields)) {
    if (key === 'active' || key === 'external' || key === 'emailVerified')
      write[key] = typeof value === 'boolean' ? value : parseBoolean(value);
    else if (key === 'expiresAt') write[key] = parseIsoDate(value);
    else write[key] = value;
  }
  if (user.keepPassword) delete write.password;
  const types = new Map(schema?.customFields.map((d) => [d.key, d.type]) ?? []);
  const custom: Record<string, CustomFieldValue> = {};
  for (const [key, value] of Object.entries(user.customFields)) custom[key] = typedCustom(value, types.get(key));
  if (blankClears) {
    for (const [target] of Object.entries(user.columns)) {
      if (target.startsWith('customFields.')) {
        const key = target.slice('customFields.'.length);
        if (!(key in custom)) custom[key] = null;
      } else if (
        !(target in write) &&
        !['username', 'email', 'firstName', 'lastName', 'password', 'passwordHash'].includes(target)
      ) {
        write[target] = ['roles', 'groups', 'tags'].includes(target)
          ? []
          : ['active', 'external', 'emailVerified'].includes(target)
            ? undefined
            : null;
        if (write[target] === undefined) delete write[target];
      }
    }
  }
  if (Object.keys(custom).length) write.customFields = custom;
  for (const [key, value] of Object.entries(write)) if (isBlank(value) && !blankClears) delete write[key];
  return write as UserWrite;
}
