import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../../tests/helpers/directory';

interface Person {
  userName: string;
  displayName: string | null;
  externalId: string | null;
  active: boolean;
}

const people: Person[] = [
  { userName: 'ana', displayName: 'Ana Étoile', externalId: 'X1', active: true },
  { userName: 'bob', displayName: 'bob builder', externalId: 'x2', active: false },
  { userName: 'Cléo', displayName: null, externalId: null, active: true },
  { userName: 'dan.ÉLAN', displayName: 'ÉLAN vital', externalId: 'X1b', active: true },
  { userName: 'eve_1', displayName: '100% eve_x', externalId: 'y_1', active: false },
  { userName: 'fay', displayName: 'Fay', externalId: 'Y', active: true },
];

type Leaf = { attr: keyof Person; op: string; value: string | boolean | null };
type F = { leaf: Leaf } | { and: F[] } | { or: F[] } | { not: F };

const strings = fc.constantFrom(
  'a',
  'an',
  'ANA',
  'é',
  'É',
  'élan',
  'x1',
  'X1',
  'y',
  '%',
  '_',
  'bob',
  'eve',
  ' ',
  'fay',
  'cléo',
  'zzz',
  'b',
);
const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({
    attr: fc.constantFrom('userName' as const, 'displayName' as const, 'externalId' as const),
    op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'),
    value: strings,
  }),
  fc.record({
    attr: fc.constantFrom('userName' as const, 'displayName' as const, 'externalId' as const, 'active' as const),
    op: fc.constant('pr'),
    value: fc.constant(null),
  }),
  fc.record({ attr: fc.constant('active' as const), op: fc.constantFrom('eq', 'ne'), value: fc.boolean() }),
);
const filterArb: fc.Arbitrary<F> = fc.letrec<{ f: F }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    leaf.map((l) => ({ leaf: l })),
    fc.array(tie('f'), { minLength: 2, maxLength: 3 }).map((items) => ({ and: items })),
    fc.array(tie('f'), { minLength: 2, maxLength: 3 }).map((items) => ({ or: items })),
    tie('f').map((f) => ({ not: f })),
  ),
})).f;

function print(f: F): string {
  if ('leaf' in f)
    return f.leaf.op === 'pr' ? `${f.leaf.attr} pr` : `${f.leaf.attr} ${f.leaf.op} ${JSON.stringify(f.leaf.value)}`;
  if ('and' in f) return f.and.map((i) => `(${print(i)})`).join(' and ');
  if ('or' in f) return f.or.map((i) => `(${print(i)})`).join(' or ');
  return `not (${print(f.not)})`;
}

/** The reference meaning of a filter (RFC 7644 §3.4.2.2), evaluated in JavaScript. */
function holds(f: F, p: Person): boolean {
  if ('and' in f) return f.and.every((i) => holds(i, p));
  if ('or' in f) return f.or.some((i) => holds(i, p));
  if ('not' in f) return !holds(f.not, p);
  const { attr, op, value } = f.leaf;
  const actual = p[attr];
  if (op === 'pr') return actual !== null && actual !== '';
  if (typeof value === 'boolean') return op === 'eq' ? actual === value : actual !== value;
  if (actual === null) return op === 'ne';
  const exact = attr === 'externalId';
  const a = exact ? String(actual) : String(actual).toLowerCase();
  const v = exact ? String(value) : String(value).toLowerCase();
  const cmp = Buffer.compare(Buffer.from(a), Buffer.from(v));
  switch (op) {
    case 'eq':
      return a === v;
    case 'ne':
      return a !== v;
    case 'co':
      return a.includes(v);
    case 'sw':
      return a.startsWith(v);
    case 'ew':
      return a.endsWith(v);
    case 'gt':
      return cmp > 0;
    case 'lt':
      return cmp < 0;
    case 'ge':
      return cmp >= 0;
    default:
      return cmp <= 0;
  }
}

describeBackends('SCIM filters compiled to SQL', (backend) => {
  let dir: TestDirectory;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    for (const p of people) {
      const res = await dir.call(
        'POST',
        '/scim/v2/Users',
        {
          userName: p.userName,
          ...(p.displayName ? { displayName: p.displayName } : {}),
          ...(p.externalId ? { externalId: p.externalId } : {}),
          active: p.active,
        },
        { 'content-type': 'application/scim+json' },
      );
      expect(res.status, res.text).toBe(201);
      ids.set(res.body.id, p.userName);
    }
  });
  afterAll(() => dir?.close());

  it('select exactly the users the reference evaluation selects (property)', async () => {
    await fc.assert(
      fc.asyncProperty(filterArb, async (f) => {
        const text = print(f);
        fc.pre(text.length < 3500);
        const res = await dir.call(
          'POST',
          '/scim/v2/Users/.search',
          { filter: text, count: 100, attributes: ['userName'] },
          { 'content-type': 'application/scim+json' },
        );
        expect(res.status, `${text}: ${res.text}`).toBe(200);
        const got = res.body.Resources.map((r: { userName: string }) => r.userName).sort();
        const want = people
          .filter((p) => holds(f, p))
          .map((p) => p.userName)
          .sort();
        expect(got, text).toEqual(want);
        expect(res.body.totalResults).toBe(want.length);
      }),
      { numRuns: 120 },
    );
  });
});
