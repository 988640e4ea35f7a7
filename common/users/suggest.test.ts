import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicies } from './policies';
import { generatePassword, passwordStrength, usernameFromNames } from './suggest';
import { isValidUsername, passwordProblems } from './validation';

describe('suggestions for the user form', () => {
  it('proposes first.last without accents or spaces', () => {
    expect(usernameFromNames('Zoë', 'Åström')).toBe('zoe.astrom');
    expect(usernameFromNames('José María', 'de la Cruz')).toBe('jose.de-la-cruz');
    expect(usernameFromNames('Liam', "O'Brien")).toBe('liam.obrien');
    expect(usernameFromNames('伟', '李')).toBe('');
    fc.assert(
      fc.property(fc.string(), fc.string(), (first, last) => {
        const name = usernameFromNames(first, last);
        return name === '' || isValidUsername(name);
      }),
    );
  });

  it('generates passwords that pass every rule of the policy', () => {
    const strict = {
      ...defaultPolicies,
      passwordMinLength: 24,
      passwordRequireDigit: true,
      passwordRequireMixedCase: true,
      passwordRequireSymbol: true,
    };
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(strict);
      expect(password.length).toBeGreaterThanOrEqual(24);
      expect(passwordProblems(password, strict)).toEqual([]);
    }
    expect(new Set(Array.from({ length: 50 }, () => generatePassword(defaultPolicies))).size).toBe(50);
  });

  it('rates strength by length and variety, and sees through obvious patterns', () => {
    expect(passwordStrength('')).toBe(0);
    expect(passwordStrength('aaaaaaaaaaaaaaaaaa')).toBe(0);
    expect(passwordStrength('password1234')).toBeLessThanOrEqual(1);
    expect(passwordStrength('Tr0ub4dor&3xyzQ!')).toBe(4);
    expect(passwordStrength('jose.garcia-2024!', ['jose.garcia'])).toBeLessThan(passwordStrength('mauve-Otter-2024!'));
  });
});
