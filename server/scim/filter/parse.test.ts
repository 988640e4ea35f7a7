import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors';
import { parseFilter, parsePatchPath, type Filter } from './parse';

const urns = ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'];
const limits = { maxLength: 4096, maxDepth: 32, urns };

/** Prints a filter back to SCIM text (fully parenthesised, so precedence cannot change its meaning). */
function print(f: Filter): string {
  const path = (p: { urn: string | null; name: string; sub: string | null }) =>
    `${p.urn ? `${p.urn}:` : ''}${p.name}${p.sub ? `.${p.sub}` : ''}`;
  switch (f.kind) {
    case 'logical':
      return f.items.map((i) => `(${print(i)})`).join(` ${f.op} `);
    case 'not':
      return `not (${print(f.filter)})`;
    case 'present':
      return `${path(f.path)} pr`;
    case 'compare':
      return `${path(f.path)} ${f.op} ${JSON.stringify(f.value)}`;
    case 'valuePath':
      return `${path(f.path)}[${print(f.filter)}]`;
  }
}

const name = fc.constantFrom('userName', 'displayName', 'active', 'title', 'emails', 'name', 'employeeNumber');
const attrPath = fc.record({
  urn: fc.constantFrom(null, urns[1]!),
  name,
  sub: fc.constantFrom(null, 'value', 'givenName'),
});
const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: -1e6, max: 1e6 }), fc.boolean(), fc.constant(null));
const leaf: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ kind: fc.constant('present' as const), path: attrPath }),
  fc.record({
    kind: fc.constant('compare' as const),
    op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le' as const),
    path: attrPath,
    value,
  }),
);
const filterArb: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({
      kind: fc.constant('logical' as const),
      op: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('f'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('not' as const), filter: tie('f') }),
  ),
})).f;

/** Parsing flattens nested and/or of the same operator: compare in that normal form. */
function normal(f: Filter): Filter {
  if (f.kind === 'logical') {
    const items = f.items.map(normal).flatMap((i) => (i.kind === 'logical' && i.op === f.op ? i.items : [i]));
    return { ...f, items };
  }
  if (f.kind === 'not') return { ...f, filter: normal(f.filter) };
  return f;
}

describe('SCIM filter parser', () => {
  it('parses what it prints (property)', () => {
    fc.assert(
      fc.property(filterArb, (filter) => {
        const text = print(filter);
        fc.pre(text.length <= limits.maxLength);
        const parsed = parseFilter(text, { ...limits, maxDepth: 1000 });
        expect(normal(parsed)).toEqual(normal(filter));
      }),
      { numRuns: 300 },
    );
  });

  it('either parses or throws a clear invalidFilter error, for any text (property)', () => {
    const pieces = fc.constantFrom(
      'userName',
      ' eq ',
      ' and ',
      ' or ',
      'not',
      '(',
      ')',
      '[',
      ']',
      '"x"',
      '"',
      ' pr',
      '.',
      'emails',
      '12',
      'true',
      'urn:',
      '\\',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.array(pieces, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (text) => {
          try {
            parseFilter(text, limits);
          } catch (error) {
            expect(error).toBeInstanceOf(ApiError);
            expect((error as ApiError).extra.scimType).toBe('invalidFilter');
            expect((error as ApiError).message.length).toBeGreaterThan(5);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads the RFC examples', () => {
    const examples = [
      'userName Eq "john"',
      'name.familyName co "O\'Malley"',
      'userName sw "J"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
      'title pr',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'title pr or userType eq "Intern"',
      'schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
    ];
    for (const text of examples) expect(() => parseFilter(text, limits), text).not.toThrow();
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3', limits)).toMatchObject({
      kind: 'logical',
      op: 'or',
      items: [{ kind: 'compare' }, { kind: 'logical', op: 'and' }],
    });
    expect(parseFilter('not (a pr) and b pr', limits)).toMatchObject({
      kind: 'logical',
      op: 'and',
      items: [{ kind: 'not' }, { kind: 'present' }],
    });
    expect(parseFilter(`${urns[0]}:name.givenName eq "x"`, limits)).toMatchObject({
      path: { urn: urns[0], name: 'name', sub: 'givenName' },
    });
  });

  it('refuses too long and too deep filters before doing any work', () => {
    expect(() => parseFilter('a eq "x"'.padEnd(5000, ' '), limits)).toThrow(/longer/);
    expect(() => parseFilter(`${'('.repeat(33)}a pr${')'.repeat(33)}`, limits)).toThrow(/nests/);
    expect(() => parseFilter(`${'not ('.repeat(33)}a pr${')'.repeat(33)}`, limits)).toThrow(/nests/);
  });

  it('parses PATCH paths with value filters and sub-attributes', () => {
    expect(parsePatchPath('emails[type eq "work"].value', limits)).toMatchObject({
      attr: { name: 'emails' },
      filter: { kind: 'compare' },
      sub: 'value',
    });
    expect(parsePatchPath(`${urns[1]}:manager.value`, limits)).toMatchObject({
      attr: { urn: urns[1], name: 'manager', sub: 'value' },
      filter: null,
    });
    for (const bad of ['emails[type eq "work"', 'emails[type eq "work"]value', 'a.b.c', 'urn:nope:x', 'emails[]'])
      expect(() => parsePatchPath(bad, limits), bad).toThrow(ApiError);
  });
});
