import type { z } from 'zod';
import type { FieldError } from '../errors';

/** Turns zod issues into field errors that name the field (dotted path) and say what is wrong. */
export function zodFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: path ? `${path}.${key}` : key, code: 'unknownField' });
      continue;
    }
    out.push({
      field: path || '(body)',
      code: issue.code === 'invalid_type' ? 'type' : 'invalid',
      params: { message: issue.message },
    });
  }
  return out;
}

/** English wording of the shared validation codes, for the `detail` line (clients translate `code`). */
const wording: Record<string, string> = {
  required: 'is required',
  email: 'is not a valid email address',
  tooLong: 'is too long',
  nameTooShort: 'is too short',
  digitsInName: 'must not contain digits',
  usernameFormat: "may hold only letters, digits and . _ - @ + '",
  usernameFirstDotLast: 'must look like first.last',
  passwordTooShort: 'is too short',
  passwordMixedCase: 'needs upper and lower case letters',
  passwordDigit: 'needs a digit',
  passwordSymbol: 'needs a symbol',
  language: 'is not a language tag',
  date: 'is not a date',
  boolean: 'is not true or false',
  number: 'is not a number',
  notAnOption: 'is not one of the options',
  pattern: 'does not match the pattern',
  phone: 'is not a phone number',
  unknownRole: 'names an unknown role',
  unknownField: 'is not a known field',
  duplicate: 'is already used',
  locked: 'is locked (set by a sync source)',
  passwordHashFormat: 'is not a supported hash (argon2, bcrypt or PBKDF2 in PHC form)',
};

export const describeErrors = (errors: FieldError[]): string =>
  errors
    .slice(0, 5)
    .map((e) => {
      const value = e.params?.value !== undefined ? ` ("${String(e.params.value).slice(0, 80)}")` : '';
      const text = typeof e.params?.message === 'string' ? e.params.message : (wording[e.code] ?? e.code);
      return `${e.field} ${text}${value}`;
    })
    .join('; ');
