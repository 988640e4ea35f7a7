import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultFieldSchema, withPolicies, type FieldSchema } from './fields';
import {
  charLength,
  customFieldProblems,
  isValidEmail,
  parseBoolean,
  parseIsoDate,
  passwordProblems,
  validateUser,
} from './validation';
import { defaultPolicies } from './policies';

describe("email rule (the fixtures' definition)", () => {
  it.each([
    'anna.smith@example.com',
    'Carla.Diaz@Example.com',
    "o'brien@example.com",
    'first.last+tag@example.net',
    'UPPER.CASE@EXAMPLE.COM',
    'josé@exämple.es',
  ])('accepts %s', (email) => expect(isValidEmail(email)).toBe(true));

  it.each([
    'maria.lopez.example.com',
    'tom@@example.com',
    'anna@',
    'john doe@example.com',
    'kim@example..com',
    '@example.org',
    'jean.dupont@example,com',
    'giulia.rossi.example.com',
    '.lead@example.com',
    'trail.@example.com',
    'dou..ble@example.com',
    'nodot@localhost',
    'a@-bad.com',
  ])('refuses %s', (email) => expect(isValidEmail(email)).toBe(false));
});

describe('passwords', () => {
  it('counts characters, not bytes', () => {
    expect(charLength('Zoë1234')).toBe(7);
    expect(passwordProblems('Zoë1234', defaultPolicies)).toEqual([
      { field: 'password', code: 'passwordTooShort', params: { min: 8, length: 7 } },
    ]);
    expect(passwordProblems('12345678', defaultPolicies)).toEqual([]);
    expect(passwordProblems('ñandú123', defaultPolicies)).toEqual([]);
  });

  it('applies the configurable rules', () => {
    const strict = {
      ...defaultPolicies,
      passwordRequireMixedCase: true,
      passwordRequireDigit: true,
      passwordRequireSymbol: true,
    };
    expect(passwordProblems('alllowercase', strict).map((p) => p.code)).toEqual([
      'passwordMixedCase',
      'passwordDigit',
      'passwordSymbol',
    ]);
    expect(passwordProblems('Mixed-Case-9', strict)).toEqual([]);
  });
});

describe('validateUser', () => {
  const schema: FieldSchema = {
    ...defaultFieldSchema,
    roles: [
      { key: 'administrator', name: 'Administrator' },
      { key: 'end_user', name: 'End User' },
    ],
    customFields: [
      {
        key: 'shirt',
        label: 'Shirt',
        type: 'select',
        required: false,
        pattern: null,
        options: ['S', 'M', 'L'],
        description: null,
      },
      { key: 'badge_no', label: 'Badge', type: 'text', required: true, pattern: '[0-9]{4}', options: [], description: null },
      { key: 'born', label: 'Born', type: 'date', required: false, pattern: null, options: [], description: null },
    ],
  };
  const valid = {
    username: 'asmith',
    email: 'anna@example.com',
    firstName: 'Anna',
    lastName: 'Smith',
    customFields: { badge_no: '0042' },
  };

  it('accepts a complete valid user', () => {
    expect(validateUser(valid, schema, { mode: 'create' })).toEqual([]);
  });

  it('names each bad field', () => {
    const problems = validateUser(
      {
        username: '   ',
        email: 'tom@@example.com',
        firstName: 'Anna',
        lastName: '',
        password: 'pass',
        active: 'maybe',
        expiresAt: '2024-02-30',
        roles: ['Administrator', 'wizard'],
        customFields: { shirt: 'XXL', badge_no: '42', born: '1990-13-01', nope: 1 },
      },
      schema,
      { mode: 'create' },
    );
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'username:required',
      'email:email',
      'lastName:required',
      'password:passwordTooShort',
      'active:boolean',
      'expiresAt:date',
      'roles:unknownRole',
      'customFields.shirt:notAnOption',
      'customFields.badge_no:pattern',
      'customFields.born:date',
      'customFields.nope:unknownField',
    ]);
  });

  it('checks only present fields on update, and never an empty password', () => {
    expect(validateUser({ email: 'new@example.com', password: '' }, schema, { mode: 'update' })).toEqual([]);
    expect(validateUser({ email: '' }, schema, { mode: 'update' })).toEqual([{ field: 'email', code: 'required' }]);
  });

  it('applies the name and username policies only when they are on', () => {
    const user = { ...valid, username: 'Ana_López', firstName: 'Al', lastName: 'R2D2' };
    expect(validateUser(user, schema, { mode: 'create' })).toEqual([]);
    const strict = withPolicies(schema, { strictNames: true, usernameFirstDotLast: true });
    expect(validateUser(user, strict, { mode: 'create' }).map((p) => `${p.field}:${p.code}`)).toEqual([
      'username:usernameFirstDotLast',
      'firstName:nameTooShort',
      'lastName:digitsInName',
    ]);
    expect(
      validateUser({ ...user, username: 'ana.lopez2', firstName: 'Ana', lastName: 'López' }, strict, { mode: 'create' }),
    ).toEqual([]);
  });
});

describe('value parsers', () => {
  it('reads booleans in the three languages and refuses the rest', () => {
    expect(['yes', 'Sí', 'oui', 'TRUE', '1', 'x'].map(parseBoolean)).toEqual([true, true, true, true, true, true]);
    expect(['no', 'non', 'false', '0', ''].map(parseBoolean)).toEqual([false, false, false, false, false]);
    expect(parseBoolean('maybe')).toBeNull();
  });

  it('reads only real calendar dates', () => {
    expect(parseIsoDate('2020-02-29')).toBe('2020-02-29');
    expect(parseIsoDate('2024-03-15T10:00:00Z')).toBe('2024-03-15');
    expect(parseIsoDate('2021-02-29')).toBeNull();
    expect(parseIsoDate('15/03/2024')).toBeNull();
  });

  it('names odd values without calling their toString', () => {
    const def = {
      key: 'k',
      label: 'K',
      type: 'select' as const,
      required: false,
      pattern: null,
      options: ['a'],
      description: null,
    };
    expect(customFieldProblems(def, { toString: {} })).toEqual([
      { field: 'customFields.k', code: 'notAnOption', params: { value: '{"toString":{}}' } },
    ]);
  });

  it('never throws on any custom value', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.constantFrom('text', 'number', 'date', 'boolean', 'select', 'multiselect' as const),
        (value, type) => {
          const problems = customFieldProblems(
            { key: 'k', label: 'K', type, required: true, pattern: '[a-z]+', options: ['a', 'b'], description: null },
            value,
          );
          expect(Array.isArray(problems)).toBe(true);
        },
      ),
    );
  });
});
