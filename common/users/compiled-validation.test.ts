import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileUserValidator, isBlankFast, isValidEmailFast, isValidUsernameFast } from './compiled-validation';
import { builtinFieldKeys, defaultFieldSchema, type CustomFieldDefinition, type FieldSchema } from './fields';
import { defaultPolicies } from './policies';
import { isBlank, isValidEmail, isValidUsername, validateUser } from './validation';

// Characters that decide the rules' outcomes: separators, whitespace of both kinds, signs, accents,
// other scripts, digits of other scripts, combining marks and a lone surrogate.
const alphabet = [
  ..."abcXYZ019.-_@+'@. \t\n\r",
  '\u00a0',
  '\u2003',
  '\ufeff',
  'é',
  'Ñ',
  'ß',
  'İ',
  'ж',
  '中',
  '٣',
  '\u0301',
  '😀',
  '\ud800',
  '\u0000',
  ',',
  '(',
  ')',
  '/',
  'x',
  '#',
];
const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((chars) => chars.join(''));
const label = fc.stringMatching(/^[a-zA-Z0-9-]{0,6}$/);
/** Mostly near-valid addresses, so both sides of every rule are reached. */
const emailish = fc.oneof(
  fc.tuple(text, fc.array(label, { maxLength: 4 })).map(([local, labels]) => `${local}@${labels.join('.')}`),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9.+'_-]{0,8}$/), fc.array(label, { minLength: 1, maxLength: 3 }))
    .map(([l, d]) => `${l}@${d.join('.')}`),
  text,
);
const anyText = fc.oneof(text, emailish, fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const longText = fc.integer({ min: 0, max: 300 }).chain((n) => fc.constantFrom('a', 'é', '😀', ' ').map((c) => c.repeat(n)));
const value = fc.oneof(
  { weight: 6, arbitrary: anyText },
  fc.constantFrom(
    undefined,
    null,
    '',
    '   ',
    '\u00a0',
    'yes',
    'no',
    'maybe',
    'es',
    'en-GB',
    '2024-02-29',
    '2024-02-30',
    '+34 600 000 000',
    ' padded ',
  ),
  longText,
  fc.array(fc.oneof(anyText, fc.constantFrom('Administrator', 'end_user', 'wizard'), fc.integer()), { maxLength: 3 }),
  fc.integer(),
  fc.boolean(),
);

const customDefinition: fc.Arbitrary<CustomFieldDefinition> = fc.record({
  key: fc.constantFrom('badge', 'shirt', 'born', 'size', 'note', 'tags'),
  label: fc.constant('Label'),
  type: fc.constantFrom('text', 'number', 'date', 'boolean', 'select', 'multiselect'),
  required: fc.boolean(),
  pattern: fc.constantFrom(null, '', '[0-9]{4}', '\\p{L}+', '(', 'a|b'),
  options: fc.constantFrom([], ['S', 'M', 'L'], ['a', 'b']),
  description: fc.constant(null),
});

const schema: fc.Arbitrary<FieldSchema> = fc.record({
  customFields: fc.array(customDefinition, { maxLength: 4 }),
  policies: fc
    .record({
      passwordMinLength: fc.integer({ min: 4, max: 12 }),
      passwordRequireMixedCase: fc.boolean(),
      passwordRequireDigit: fc.boolean(),
      passwordRequireSymbol: fc.boolean(),
      strictNames: fc.boolean(),
      usernameFirstDotLast: fc.boolean(),
    })
    .map((p) => ({ ...defaultPolicies, ...p })),
  roles: fc.constantFrom(
    [],
    [
      { key: 'end_user', name: 'End User' },
      { key: 'administrator', name: 'Administrator' },
    ],
  ),
  languages: fc.constant(['en', 'es', 'fr']),
});

const customValues = fc.dictionary(fc.constantFrom('badge', 'shirt', 'born', 'size', 'note', 'unknown_one', '0'), value, {
  maxKeys: 4,
});
const record = fc.record(
  {
    ...Object.fromEntries(builtinFieldKeys.map((key) => [key, value])),
    customFields: fc.oneof(customValues, fc.constantFrom(undefined, null)),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, unknown>>;

describe('compiled user validator', () => {
  it('finds exactly the problems validateUser finds, for any record, schema and mode', () => {
    fc.assert(
      fc.property(record, schema, fc.constantFrom('create' as const, 'update' as const), (r, s, mode) => {
        expect(compileUserValidator(s, { mode })(r)).toEqual(validateUser(r, s, { mode }));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the custom fields apart from the record as if they were in it', () => {
    fc.assert(
      fc.property(record, customValues, schema, fc.constantFrom('create' as const, 'update' as const), (r, custom, s, mode) => {
        const { customFields: _ignored, ...fields } = r;
        expect(compileUserValidator(s, { mode })(fields, custom)).toEqual(
          validateUser({ ...fields, customFields: custom }, s, { mode }),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('checks valid rows of the default schema without problems and bad ones with the shared codes', () => {
    const validate = compileUserValidator(defaultFieldSchema, { mode: 'create' });
    expect(validate({ username: 'ana.lopez', email: 'ana@example.com', firstName: 'Ana', lastName: 'López' })).toEqual([]);
    expect(validate({ username: 'ana lopez', email: 'ana@@example.com', firstName: 'Ana' })).toEqual([
      { field: 'username', code: 'usernameFormat', params: { value: 'ana lopez' } },
      { field: 'email', code: 'email', params: { value: 'ana@@example.com' } },
      { field: 'lastName', code: 'required' },
    ]);
  });
});

describe('ASCII fast paths of the shared predicates', () => {
  it('isValidEmailFast agrees with isValidEmail', () => {
    fc.assert(
      fc.property(fc.oneof(emailish, fc.string()), (s) => {
        expect(isValidEmailFast(s)).toBe(isValidEmail(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('isValidUsernameFast agrees with isValidUsername', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string()), (s) => {
        expect(isValidUsernameFast(s)).toBe(isValidUsername(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it('isBlankFast agrees with isBlank', () => {
    fc.assert(
      fc.property(fc.oneof(value, fc.anything()), (v) => {
        expect(isBlankFast(v)).toBe(isBlank(v));
      }),
      { numRuns: 5000 },
    );
  });
});
