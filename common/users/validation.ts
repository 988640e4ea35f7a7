/**
 * The validation rules of user data, shared by the forms, the import validator and the server, so
 * that a value refused in one place is refused everywhere with the same code. Every problem names
 * its field; the message is the i18n key `validation.user.<code>` with `params`.
 */
import { builtinFields, type BuiltinField, type CustomFieldDefinition, type FieldSchema } from './fields';
import type { Policies } from './policies';

export const problemCodes = [
  'required',
  'email',
  'tooLong',
  'nameTooShort',
  'digitsInName',
  'usernameFormat',
  'usernameFirstDotLast',
  'passwordTooShort',
  'passwordMixedCase',
  'passwordDigit',
  'passwordSymbol',
  'language',
  'date',
  'boolean',
  'number',
  'notAnOption',
  'pattern',
  'phone',
  'unknownRole',
  'unknownField',
  'duplicate',
] as const;
export type ProblemCode = (typeof problemCodes)[number];

export interface FieldProblem {
  /** A built-in field key (`email`) or `customFields.<key>`. */
  field: string;
  code: ProblemCode;
  params?: Record<string, string | number>;
}

/** Characters, not UTF-16 units or bytes: `Zoë1234` is 7. */
export const charLength = (value: string): number => [...value].length;

export const isBlank = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/**
 * `local@domain.tld`: one `@`, no whitespace, a non-empty local part without leading, trailing or
 * doubled dots, and a domain of non-empty labels with at least one dot.
 */
export function isValidEmail(value: string): boolean {
  if (/\s/.test(value)) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => label === '')) return false;
  return labels.every((label) => /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u.test(label));
}

/** No whitespace or control characters; letters of any script, digits and `. _ - @ + '`. */
export function isValidUsername(value: string): boolean {
  return /^[\p{L}\p{M}\p{N}._@+'-]+$/u.test(value);
}

/** `first.last` (optionally with digits), ASCII lower-case letters only. */
export function isFirstDotLast(value: string): boolean {
  return /^[a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*[0-9]*$/.test(value);
}

export function isValidLanguage(value: string): boolean {
  return /^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*$/.test(value);
}

/** Digits and separators, optionally an extension as people write it (`x12`, `ext. 12`, `; poste 204`, `anexo 3`). */
export function isValidPhone(value: string): boolean {
  return /^\+?[0-9 ().\-/]{3,40}(?:\s*[,;]?\s*(?:x|ext\.?|extension|poste|anexo|int\.?)\s*[0-9]{1,6})?$/i.test(value);
}

const trueWords = new Set(['true', 'yes', 'y', '1', 'x', 'si', 'sí', 'oui', 'vrai', 'on', 'active', 'enabled']);
const falseWords = new Set(['false', 'no', 'n', '0', 'non', 'faux', 'off', 'inactive', 'disabled', '']);

/** Reads a boolean written by a person or a spreadsheet; null when it is not one. */
export function parseBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value !== 'string') return null;
  const word = value.trim().toLowerCase();
  if (trueWords.has(word)) return true;
  if (falseWords.has(word)) return false;
  return null;
}

/** Reads an ISO 8601 date or timestamp; returns `YYYY-MM-DD`, or null when it is not a real date. */
export function parseIsoDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!match) return null;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d)
    ? `${y}-${m}-${d}`
    : null;
}

export function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : null;
}

/** Password rules of the policy. An empty password is not checked here: it means "generate one". */
export function passwordProblems(password: string, policies: Policies, field = 'password'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const length = charLength(password);
  if (length < policies.passwordMinLength)
    problems.push({ field, code: 'passwordTooShort', params: { min: policies.passwordMinLength, length } });
  if (policies.passwordRequireMixedCase && !(/\p{Lu}/u.test(password) && /\p{Ll}/u.test(password)))
    problems.push({ field, code: 'passwordMixedCase' });
  if (policies.passwordRequireDigit && !/\p{N}/u.test(password)) problems.push({ field, code: 'passwordDigit' });
  if (policies.passwordRequireSymbol && !/[^\p{L}\p{N}]/u.test(password)) problems.push({ field, code: 'passwordSymbol' });
  return problems;
}

function builtinProblems(field: BuiltinField, value: unknown, schema: FieldSchema): FieldProblem[] {
  const { key } = field;
  if (field.type === 'list') {
    if (key === 'roles' && Array.isArray(value) && schema.roles.length > 0) {
      const known = new Set(schema.roles.flatMap((r) => [r.key.toLowerCase(), r.name.toLowerCase()]));
      const unknown = value.filter((v) => typeof v === 'string' && !known.has(v.toLowerCase()));
      if (unknown.length > 0) return [{ field: key, code: 'unknownRole', params: { value: unknown.join(', ') } }];
    }
    return [];
  }
  if (field.type === 'boolean') return parseBoolean(value) === null ? [{ field: key, code: 'boolean' }] : [];
  if (typeof value !== 'string') return [{ field: key, code: 'required' }];
  const problems: FieldProblem[] = [];
  if (field.maxLength && charLength(value) > field.maxLength)
    problems.push({ field: key, code: 'tooLong', params: { max: field.maxLength } });
  const policies = schema.policies;
  switch (field.type) {
    case 'email':
      if (!isValidEmail(value)) problems.push({ field: key, code: 'email', params: { value } });
      break;
    case 'password':
      problems.push(...passwordProblems(value, policies, key));
      break;
    case 'date':
      if (parseIsoDate(value) === null) problems.push({ field: key, code: 'date', params: { value } });
      break;
    case 'language':
      if (!isValidLanguage(value)) problems.push({ field: key, code: 'language', params: { value } });
      break;
    case 'phone':
      if (!isValidPhone(value)) problems.push({ field: key, code: 'phone', params: { value } });
      break;
    case 'text':
      if (key === 'username') {
        if (!isValidUsername(value)) problems.push({ field: key, code: 'usernameFormat', params: { value } });
        else if (policies.usernameFirstDotLast && !isFirstDotLast(value))
          problems.push({ field: key, code: 'usernameFirstDotLast', params: { value } });
      }
      if (policies.strictNames && (key === 'firstName' || key === 'lastName' || key === 'maternalSurname')) {
        if (charLength(value.trim()) < 3) problems.push({ field: key, code: 'nameTooShort', params: { min: 3 } });
        if (/\p{N}/u.test(value)) problems.push({ field: key, code: 'digitsInName' });
      }
      break;
  }
  return problems;
}

/** A value as text for checks and messages; never throws, whatever the value (e.g. `{ toString: {} }`). */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Checks one custom field value against its definition. */
export function customFieldProblems(def: CustomFieldDefinition, value: unknown): FieldProblem[] {
  const field = `customFields.${def.key}`;
  if (isBlank(value)) return def.required ? [{ field, code: 'required' }] : [];
  switch (def.type) {
    case 'number':
      return parseNumber(value) === null ? [{ field, code: 'number', params: { value: valueText(value) } }] : [];
    case 'date':
      return parseIsoDate(value) === null ? [{ field, code: 'date', params: { value: valueText(value) } }] : [];
    case 'boolean':
      return parseBoolean(value) === null ? [{ field, code: 'boolean', params: { value: valueText(value) } }] : [];
    case 'select':
      return def.options.includes(valueText(value)) ? [] : [{ field, code: 'notAnOption', params: { value: valueText(value) } }];
    case 'multiselect': {
      const values = Array.isArray(value)
        ? value.map(valueText)
        : valueText(value)
            .split(/[|;,]/)
            .map((v) => v.trim());
      const bad = values.filter((v) => v !== '' && !def.options.includes(v));
      return bad.length ? [{ field, code: 'notAnOption', params: { value: bad.join(', ') } }] : [];
    }
    case 'text': {
      const text = valueText(value);
      if (def.pattern) {
        let matches = true;
        try {
          matches = new RegExp(`^(?:${def.pattern})$`, 'u').test(text);
        } catch {
          matches = true; // A broken pattern is the definition's fault, refused when it is saved.
        }
        if (!matches) return [{ field, code: 'pattern', params: { value: text } }];
      }
      return charLength(text) > 10_000 ? [{ field, code: 'tooLong', params: { max: 10_000 } }] : [];
    }
  }
}

export interface ValidateOptions {
  /** `create` checks required fields; `update` checks only what is present. */
  mode: 'create' | 'update';
}

/**
 * Validates a user record (typed values, or strings as read from a file) against the built-in rules
 * and the backend's field schema. Blank optional values are not problems; a blank password means
 * "generate one".
 */
export function validateUser(record: Record<string, unknown>, schema: FieldSchema, options: ValidateOptions): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of builtinFields) {
    const present = Object.hasOwn(record, field.key);
    const value = record[field.key];
    if (isBlank(value)) {
      if (field.required && (options.mode === 'create' || present)) problems.push({ field: field.key, code: 'required' });
      continue;
    }
    problems.push(...builtinProblems(field, value, schema));
  }
  const custom = (record.customFields ?? {}) as Record<string, unknown>;
  const defs = new Map(schema.customFields.map((d) => [d.key, d]));
  for (const def of schema.customFields) {
    if (!Object.hasOwn(custom, def.key) && options.mode === 'update') continue;
    problems.push(...customFieldProblems(def, custom[def.key]));
  }
  for (const key of Object.keys(custom)) {
    if (!defs.has(key)) problems.push({ field: `customFields.${key}`, code: 'unknownField' });
  }
  return problems;
}

/** The i18n key of a problem's message. */
export const problemKey = (problem: FieldProblem): string => `validation.user.${problem.code}`;
