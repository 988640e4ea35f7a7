import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors';
import { applyPatch } from './patch';
import { enterpriseSchema, userdeckSchema, userResource, userSchema } from './schemas';

const resource = userResource([
  {
    id: 'f1',
    key: 'dept',
    label: 'Dept',
    type: 'select',
    required: false,
    pattern: null,
    options: ['A', 'B'],
    description: null,
    position: 1,
  },
]);
const limits = { maxLength: 4096, maxDepth: 32, urns: [userSchema, enterpriseSchema, userdeckSchema] };
const base = {
  schemas: [userSchema],
  id: 'u1',
  userName: 'ada',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ value: 'ada@example.org', type: 'work', primary: true }],
  active: true,
  [enterpriseSchema]: { employeeNumber: '1' },
};

const paths = [
  'displayName',
  'title',
  'nickName',
  'name.givenName',
  'name',
  'emails',
  'emails.value',
  'emails[type eq "work"].value',
  'emails[type eq "home"]',
  'emails[value co "@"]',
  'phoneNumbers',
  'active',
  `${enterpriseSchema}:employeeNumber`,
  `${enterpriseSchema}:manager`,
  `${userdeckSchema}:customFields.dept`,
  'groups',
  'id',
  'meta.created',
  'nosuch',
  'emails[type eq',
  'a.b.c',
  '',
];
const simplePaths = [
  'displayName',
  'title',
  'nickName',
  'name.givenName',
  `${enterpriseSchema}:employeeNumber`,
  `${enterpriseSchema}:costCenter`,
];

function read(doc: Record<string, unknown>, path: string): unknown {
  const [head, sub] = path.startsWith('urn:') ? [path, null] : path.split('.');
  if (path.startsWith('urn:')) {
    const attr = path.slice(enterpriseSchema.length + 1);
    return (doc[enterpriseSchema] as Record<string, unknown> | undefined)?.[attr];
  }
  const v = doc[head!];
  return sub ? (v as Record<string, unknown> | undefined)?.[sub] : v;
}

describe('SCIM PATCH', () => {
  it('either applies or throws a SCIM error, never changes its input (property)', () => {
    const op = fc.record(
      {
        op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'move', ''),
        path: fc.constantFrom(...paths),
        value: fc.oneof(
          fc.anything({ maxDepth: 3 }),
          fc.string(),
          fc.constant([{ value: 'x@y.org', type: 'home' }]),
          fc.constant({ givenName: 'G' }),
        ),
      },
      { requiredKeys: ['op'] },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 6 }), (ops) => {
        const input = structuredClone(base);
        try {
          const out = applyPatch(input, ops, resource, limits);
          expect(out.id).toBe('u1');
        } catch (error) {
          expect(error).toBeInstanceOf(ApiError);
          expect(['invalidPath', 'invalidValue', 'invalidSyntax', 'noTarget', 'mutability', 'invalidFilter']).toContain(
            (error as ApiError).extra.scimType,
          );
        }
        expect(input).toEqual(base);
      }),
      { numRuns: 1000 },
    );
  });

  it('replace then read gives the value; replacing twice is the same as once (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...simplePaths), fc.string({ minLength: 1, maxLength: 30 }), (path, value) => {
        const once = applyPatch(base, [{ op: 'replace', path, value }], resource, limits);
        expect(read(once, path)).toBe(value);
        const twice = applyPatch(once, [{ op: 'Replace', path, value }], resource, limits);
        expect(twice).toEqual(once);
      }),
    );
  });

  it('add then remove of an absent attribute restores the resource (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('title', 'nickName', `${enterpriseSchema}:costCenter`),
        fc.string({ minLength: 1 }),
        (path, value) => {
          const added = applyPatch(base, [{ op: 'add', path, value }], resource, limits);
          const removed = applyPatch(added, [{ op: 'remove', path }], resource, limits);
          expect(removed).toEqual(base);
        },
      ),
    );
  });

  it('a path-less replace equals the same replaces with paths (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.boolean(), (displayName, title, active) => {
        const whole = applyPatch(base, [{ op: 'replace', value: { displayName, title, active } }], resource, limits);
        const each = applyPatch(
          base,
          [
            { op: 'replace', path: 'displayName', value: displayName },
            { op: 'replace', path: 'title', value: title },
            { op: 'replace', path: 'active', value: active },
          ],
          resource,
          limits,
        );
        expect(whole).toEqual(each);
      }),
    );
  });

  it('adds to multi-valued attributes without duplicates and removes by value filter', () => {
    const home = { value: 'home@example.org', type: 'home' };
    const added = applyPatch(
      base,
      [
        { op: 'add', path: 'emails', value: [home] },
        { op: 'add', path: 'emails', value: [home] },
      ],
      resource,
      limits,
    );
    expect(added.emails).toEqual([...base.emails, home]);
    const removed = applyPatch(added, [{ op: 'remove', path: 'emails[type eq "home"]' }], resource, limits);
    expect(removed.emails).toEqual(base.emails);
    const merged = applyPatch(base, [{ op: 'add', path: 'name', value: { middleName: 'King' } }], resource, limits);
    expect(merged.name).toEqual({ ...base.name, middleName: 'King' });
  });
});
