/**
 * `validateUser` compiled once per schema and mode, for scans of a million rows (import inspect,
 * validate, plan). The rules stay those of `validation.ts`: every check below calls its predicates,
 * or is a fast path for plain ASCII that returns what they return (equal problems for any record is
 * a property test in compiled-validation.test.ts). What compiling saves is per-row work that does
 * not depend on the row: the schema's lookups, role sets and custom-field patterns, and the
 * problem arrays and strings of fields that have none.
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
  type FieldProblem,
  type ValidateOptions,
} from './validation';

/**
 * Same problems as `validateUser(record, schema, options)`. `custom`, when given, stands for
 * `record.customFields` (so a caller holding them apart need not build a merged record).
 */
export type UserValidator = (record: Record<string, unknown>, custom?: unknown) => FieldProblem[];

type Check = (value: unknown, out: FieldProblem[]) => void;

const isAsciiAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** `isBlank`, without trimming a string that starts with a visible ASCII character. */
export function isBlankFast(value: unknown): boolean {
  if (typeof value === 'string') {
    if (value.length === 0) return true;
    const c = value.charCodeAt(0);
    if (c > 32 && c < 127) return false;
  }
  return isBlank(value);
}

/** `isValidEmail` in one pass over ASCII text; anything else goes to `isValidEmail`. */
export function isValidEmailFast(value: string): boolean {
  const n = value.length;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return isValidEmail(value);
    // Whitespace or a second `@` refuse the address whatever follows.
    if (c === 32 || (c >= 9 && c <= 13)) return false;
    if (c === 64) {
      if (at !== -1) return false;
      at = i;
    }
  }
  if (at <= 0) return false;
  if (value.charCodeAt(0) === 46 || value.charCodeAt(at - 1) === 46) return false;
  for (let i = 1; i < at; i++) if (value.charCodeAt(i) === 46 && value.charCodeAt(i - 1) === 46) return false;
  // Domain labels: letters or digits at both ends, hyphens inside; at least two labels.
  let labels = 0;
  let start = at + 1;
  for (let i = start; i <= n; i++) {
    const c = i === n ? 46 : value.charCodeAt(i);
    if (c === 46) {
      if (i === start || !isAsciiAlnum(value.charCodeAt(start)) || !isAsciiAlnum(value.charCodeAt(i - 1))) return false;
      labels++;
      start = i + 1;
    } else if (c !== 45 && !isAsciiAlnum(c)) return false;
  }
  return labels >= 2;
}

/** `isValidUsername` over ASCII text; anything else goes to `isValidUsername`. */
export function isValidUsernameFast(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) return isValidUsername(value);
    // . _ @ + ' -
    if (!isAsciiAlnum(c) && c !== 46 && c !== 95 && c !== 64 && c !== 43 && c !== 39 && c !== 45) return false;
  }
  return true;
}

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
    const text = String(value);
    if (pattern && !pattern.test(text)) out.push({ field, code: 'pattern', params: { value: text } });
    else if (text.length > 10_000 && charLength(text) > 10_000) out.push({ field, code: 'tooLong', params: { max: 10_000 } });
  };
}

const noCustomFields: Record<string, unknown> = Object.freeze({});

export function compileUserValidator(schema: FieldSchema, options: ValidateOptions): UserValidator {
  const create = options.mode === 'create';
  const fields = builtinFields.map((field) => ({ key: field.key, required: field.required, check: builtinCheck(field, schema) }));
  const defs = schema.customFields.map((def) => ({ key: def.key, check: customCheck(def) }));
  const defKeys = new Set(schema.customFields.map((d) => d.key));
  return (record, custom = record.customFields) => {
    const out: FieldProblem[] = [];
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const value = record[field.key];
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
