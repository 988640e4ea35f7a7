/** Folding used for search and name sorting: lower case, accents removed (`José` → `jose`). */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

export function sortName(firstName: string, lastName: string): string {
  return fold(`${lastName} ${firstName}`.trim());
}

/** One folded line of every searchable value, indexed by FTS5 trigram / pg_trgm. */
export function searchText(values: (string | null | undefined)[]): string {
  return fold(values.filter((v): v is string => typeof v === 'string' && v !== '').join(' '));
}

/** Trigram indexes need 3 characters: shorter terms use the prefix indexes instead. */
export const minTrigramLength = 3;

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `escape '\'`. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
