/**
 * `validateUser` compiled once per schema and mode, for scans of a million rows (import inspect,
 * validate, plan). The rules stay those of `validation.ts`: every check calls its predicates, or
 * first tries a quick test that accepts only what they accept (plain ASCII emails and usernames)
 * and leaves the rest to them. Equal problems for any record and schema is a property test
 * (compiled-validation.test.ts). Compiling saves the per-row work that does not depend on the row:
 * the schema's lookups, role sets and custom-field patterns, and generic property access.
 */
import { builtinFields, type BuiltinField, type CustomFieldDefinition, type FieldSchema } from './fields';
import {
  charLength,
  customFieldProblems,
  isBlank,
  isFirstDotLast,
  isValidEmail,
  isValidLanguage,
  isValidPhone,
  isValidUsername,
  parseBoolean,
  parseIsoDate,
  passwordProblems,
  valueText,
  type FieldProblem,
  type ValidateOptions,
} from './validation';

/**
 * Same problems as `validateUser(record, schema, options)`. `custom`, when given, stands for
 * `record.customFields` (so a caller holding them apart need not build a merged record).
 */
export type UserValidator = (record: Record<string, unknown>, custom?: unknown) => FieldProblem[];

type Check = (value: unknown, out: FieldProblem[]) => void;

/** `isBlank`, without trimming a string that starts with a visible ASCII character. */
export function isBlankFast(value: unknown): boolean {
  if (typeof value === 'string') {
    if (value.length === 0) return true;
    const c = value.charCodeAt(0);
    if (c > 32 && c < 127) return false;
  }
  return isBlank(value);
}

/**
 * Plain ASCII addresses that `isValidEmail` accepts: dot-separated local words, dot-separated
 * domain labels with letters or digits at both ends. One regular expression matches them faster
 * than the rule's several steps; whatever it does not match is left to `isValidEmail`.
 */
const plainEmail =
  /^[A-Za-z0-9_+'-]+(?:\.[A-Za-z0-9_+'-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** `isValidEmail`, quicker for plain addresses. */
export const isValidEmailFast = (value: string): boolean => plainEmail.test(value) || isValidEmail(value);

/** Plain ASCII usernames, which `isValidUsername` accepts; the rest is left to it. */
const plainUsername = /^[A-Za-z0-9._@+'-]+$/;

/** `isValidUsername`, quicker for plain names. */
export const isValidUsernameFast = (value: string): boolean => plainUsername.test(value) || isValidUsername(value);

const digit = /\p{N}/u;

function builtinCheck(field: BuiltinField, schema: FieldSchema): Check {
  const key = field.key;
  if (field.type === 'list') {
    if (key !== 'roles' || schema.roles.length === 0) return () => {};
    const known = new Set(schema.roles.flatMap((r) => [r.key.toLowerCase(), r.name.toLowerCase()]));
    return (value, out) => {
      if (!Array.isArray(value)) return;
      const unknown = value.filter((v) => typeof v === 'string' && !known.has(v.toLowerCase()));
      if (unknown.length > 0) out.push({ field: key, code: 'unknownRole', params: { value: unknown.join(', ') } });
    };
  }
  if (field.type === 'boolean')
    return (value, out) => {
      if (parseBoolean(value) === null) out.push({ field: key, code: 'boolean' });
    };
  const max = field.maxLength ?? 0;
  const policies = schema.policies;
  let check: ((value: string, out: FieldProblem[]) => void) | null = null;
  switch (field.type) {
    case 'email':
      check = (value, out) => {
        if (!isValidEmailFast(value)) out.push({ field: key, code: 'email', params: { value } });
      };
      break;
    case 'password':
      check = (value, out) => {
        for (const p of passwordProblems(value, policies, key)) out.push(p);
      };
      break;
    case 'date':
      check = (value, out) => {
        if (parseIsoDate(value) === null) out.push({ field: key, code: 'date', params: { value } });
      };
      break;
    case 'language':
      check = (value, out) => {
        if (!isValidLanguage(value)) out.push({ field: key, code: 'language', params: { value } });
      };
      break;
    case 'phone':
      check = (value, out) => {
        if (!isValidPhone(value)) out.push({ field: key, code: 'phone', params: { value } });
      };
      break;
    case 'text':
      if (key === 'username')
        check = (value, out) => {
          if (!isValidUsernameFast(value)) out.push({ field: key, code: 'usernameFormat', params: { value } });
          else if (policies.usernameFirstDotLast && !isFirstDotLast(value))
            out.push({ field: key, code: 'usernameFirstDotLast', params: { value } });
        };
      else if (policies.strictNames && (key === 'firstName' || key === 'lastName' || key === 'maternalSurname'))
        check = (value, out) => {
          if (charLength(value.trim()) < 3) out.push({ field: key, code: 'nameTooShort', params: { min: 3 } });
          if (digit.test(value)) out.push({ field: key, code: 'digitsInName' });
        };
      break;
  }
  return (value, out) => {
    if (typeof value !== 'string') {
      out.push({ field: key, code: 'required' });
      return;
    }
    // charLength never exceeds the UTF-16 length: only long values need counting.
    if (max && value.length > max && charLength(value) > max) out.push({ field: key, code: 'tooLong', params: { max } });
    check?.(value, out);
  };
}

function customCheck(def: CustomFieldDefinition): Check {
  if (def.type !== 'text' || !def.pattern) return (value, out) => void out.push(...customFieldProblems(def, value));
  // The pattern is compiled once instead of once per value; a broken one matches everything, as in customFieldProblems.
  let pattern: RegExp | null = null;
  try {
    pattern = new RegExp(`^(?:${def.pattern})$`, 'u');
  } catch {
    pattern = null;
  }
  const field = `customFields.${def.key}`;
  return (value, out) => {
    if (isBlankFast(value)) {
      if (def.required) out.push({ field, code: 'required' });
      return;
    }
    const text = valueText(value);
    if (pattern && !pattern.test(text)) out.push({ field, code: 'pattern', params: { value: text } });
    else if (text.length > 10_000 && charLength(text) > 10_000) out.push({ field, code: 'tooLong', params: { max: 10_000 } });
  };
}

const noCustomFields: Record<string, unknown> = Object.freeze({});

type FieldReader = (record: Record<string, unknown>) => unknown;

/**
 * `record.<key>` for each built-in field, one load site per name: V8 keeps such a site fast, while
 * `record[key]` with a different key on each call (18 fields a row) goes through a slow generic path.
 */
const fieldReaders: Record<string, FieldReader> = {
  username: (r) => r.username,
  email: (r) => r.email,
  firstName: (r) => r.firstName,
  lastName: (r) => r.lastName,
  maternalSurname: (r) => r.maternalSurname,
  displayName: (r) => r.displayName,
  officialCode: (r) => r.officialCode,
  phone: (r) => r.phone,
  language: (r) => r.language,
  password: (r) => r.password,
  external: (r) => r.external,
  active: (r) => r.active,
  emailVerified: (r) => r.emailVerified,
  expiresAt: (r) => r.expiresAt,
  roles: (r) => r.roles,
  groups: (r) => r.groups,
  tags: (r) => r.tags,
  license: (r) => r.license,
};

/** Reads field `key` of a record (a field added to fields.ts later works too, only slower). */
export const fieldReader = (key: string): FieldReader => (Object.hasOwn(fieldReaders, key) ? fieldReaders[key]! : (r) => r[key]);

export function compileUserValidator(schema: FieldSchema, options: ValidateOptions): UserValidator {
  const create = options.mode === 'create';
  const fields = builtinFields.map((field) => ({
    key: field.key,
    read: fieldReader(field.key),
    required: field.required,
    check: builtinCheck(field, schema),
  }));
  const defs = schema.customFields.map((def) => ({ key: def.key, check: customCheck(def) }));
  const defKeys = new Set(schema.customFields.map((d) => d.key));
  return (record, custom = record.customFields) => {
    const out: FieldProblem[] = [];
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const value = field.read(record);
      if (isBlankFast(value)) {
        if (field.required && (create || Object.hasOwn(record, field.key))) out.push({ field: field.key, code: 'required' });
        continue;
      }
      field.check(value, out);
    }
    const values = (custom ?? noCustomFields) as Record<string, unknown>;
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i]!;
      if (!create && !Object.hasOwn(values, def.key)) continue;
      def.check(values[def.key], out);
    }
    if (values !== noCustomFields)
      for (const key of Object.keys(values))
        if (!defKeys.has(key)) out.push({ field: `customFields.${key}`, code: 'unknownField' });
    return out;
  };
}
