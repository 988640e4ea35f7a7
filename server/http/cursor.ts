/** A keyset cursor: the sort, the order, the last row's sort value and id, and the direction. */
export interface Cursor {
  s: string;
  o: 'asc' | 'desc';
  v: string | number;
  id: string;
  d: 'next' | 'prev';
}

export const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** Null for anything that is not a cursor this server made (never throws on junk). */
export function decodeCursor(text: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof value.s === 'string' &&
      (value.o === 'asc' || value.o === 'desc') &&
      (typeof value.v === 'string' || typeof value.v === 'number') &&
      typeof value.id === 'string' &&
      (value.d === 'next' || value.d === 'prev')
    )
      return value as Cursor;
  } catch {
    return null;
  }
  return null;
}
