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
});
