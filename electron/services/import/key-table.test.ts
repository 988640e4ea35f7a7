import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuplicateFinder } from './validate';

describe('DuplicateFinder', () => {
  it('finds every pair across table growth, case-insensitively, and the earlier rows of each', () => {
    const finder = new DuplicateFinder();
    const rows = 20_000;
    for (let i = 0; i < rows; i++) {
      // Every 1,000th row repeats row i-500's email in upper case; row 19,999 shares a username with row 3.
      const email = i % 1000 === 999 ? `USER${i - 500}@EXAMPLE.COM` : `user${i}@example.com`;
      finder.add(i, i === 19_999 ? 'u3' : `u${i}`, email);
    }
    const { pairs, total } = finder.pairs();
    const expected: [number, number][] = [[3, 19_999]];
    for (let i = 999; i < rows; i += 1000) expected.push([i - 500, i]);
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(pairs).toEqual(expected);
    expect(total).toBe(expected.length);
    expect(finder.earlier('u3', 'nobody@example.com', 19_999)).toEqual([3]);
    expect(finder.earlier('  ', '', 5)).toEqual([]);
  });

  it('agrees with comparing every two rows, lower-cased the Unicode way, in any order of adding', () => {
    // Values that lower-case alike only in full Unicode (İ, É, Σ, the Kelvin sign), blanks and non-strings.
    const key = fc.constantFrom<unknown>(
      'a',
      'A',
      'b',
      'é',
      'É',
      'İ',
      'i̇',
      'σ',
      'Σ',
      'k',
      '\u212a',
      'ab',
      'Ab',
      'x@y.z',
      'X@Y.Z',
      'X@Y.ZZ',
      '',
      '  ',
      '\u00a0',
      undefined,
      7,
    );
    const rows = fc.array(fc.tuple(key, key), { maxLength: 40 });
    fc.assert(
      fc.property(rows, fc.boolean(), fc.integer({ min: 1, max: 30 }), (list, shuffled, limit) => {
        const norm = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.toLowerCase() : null);
        const expected: [number, number][] = [];
        for (let j = 0; j < list.length; j++)
          for (let i = 0; i < j; i++) {
            const [ui, ei] = list[i]!.map(norm);
            const [uj, ej] = list[j]!.map(norm);
            if ((ui !== null && ui === uj) || (ei !== null && ei === ej)) expected.push([i, j]);
          }
        expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const finder = new DuplicateFinder();
        // Scans add rows in order; a caller adding them out of order gets the same answers.
        const order = list.map((_, i) => i);
        if (shuffled) order.reverse();
        for (const i of order) finder.add(i, list[i]![0], list[i]![1]);
        const all = finder.pairs();
        expect(all.pairs).toEqual(expected);
        expect(all.total).toBe(expected.length);
        const some = finder.pairs(limit);
        expect(some.total).toBe(expected.length);
        if (!shuffled) expect(some.pairs).toEqual(expected.slice(0, limit));
        else expect(some.pairs.length).toBe(Math.min(limit, expected.length));
        if (!shuffled)
          for (let i = 0; i < list.length; i++)
            expect(finder.earlier(list[i]![0], list[i]![1], i)).toEqual(expected.filter(([, b]) => b === i).map(([a]) => a));
      }),
      { numRuns: 300 },
    );
  });

  it('counts and lists large groups (thousands of rows with one email) without comparing every two rows', () => {
    const finder = new DuplicateFinder();
    const rows = 3000;
    // Three emails for everyone; every tenth row also repeats the username of the row before.
    for (let i = 0; i < rows; i++) finder.add(i, i % 10 === 9 ? `name${i - 1}` : `name${i}`, `shared${i % 3}@example.com`);
    const byEmail = 3 * ((1000 * 999) / 2);
    // Rows 10k+8 and 10k+9 share a username but never an email (8 and 9 differ mod 3 from each other).
    const byName = rows / 10;
    const { pairs, total } = finder.pairs(5);
    expect(total).toBe(byEmail + byName);
    expect(pairs).toEqual([
      [0, 3],
      [0, 6],
      [0, 9],
      [0, 12],
      [0, 15],
    ]);
    expect(
      finder
        .pairs(10_000)
        .pairs.filter(([a]) => a === 8)
        .slice(0, 2),
    ).toEqual([
      [8, 9],
      [8, 11],
    ]);
  });
});
