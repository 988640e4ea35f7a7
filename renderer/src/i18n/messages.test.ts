import { describe, expect, it } from 'vitest';
import en from './en';
import es from './es';
import fr from './fr';

function leaves(value: unknown, prefix = ''): [string, string][] {
  if (typeof value === 'string') return [[prefix, value]];
  return Object.entries(value as object).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('translations', () => {
  const english = new Map(leaves(en));

  it.each([
    ['es', es],
    ['fr', fr],
  ])('%s has every English key, no extra one, and the same placeholders', (_code, messages) => {
    const other = new Map(leaves(messages));
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(other.get(key)!), key).toEqual(placeholders(text));
    }
  });

  it('has no empty message', () => {
    for (const [key, text] of [...leaves(en), ...leaves(es), ...leaves(fr)]) expect(text.trim(), key).not.toBe('');
  });
});
