import { parseBoolean, parseIsoDate, parseNumber } from '../../common/users/validation';
import type { CustomFieldValue } from '../../common/users/user';
import type { StoredField } from '../custom-fields/store';

export interface ValueRow {
  value_text: string;
  value_norm: string;
  value_num: number | null;
  position: number;
}

/** The stored rows of one (already validated) custom field value; none for a blank value. */
export function valueRows(field: StoredField, value: CustomFieldValue | undefined): ValueRow[] {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return [];
  const row = (text: string, num: number | null = null, position = 0): ValueRow => ({
    value_text: text,
    value_norm: text.toLowerCase(),
    value_num: num,
    position,
  });
  switch (field.type) {
    case 'number': {
      const n = parseNumber(value);
      return n === null ? [] : [row(String(n), n)];
    }
    case 'date': {
      const d = parseIsoDate(value);
      return d === null ? [] : [row(d)];
    }
    case 'boolean': {
      const b = parseBoolean(value);
      return b === null ? [] : [row(String(b), b ? 1 : 0)];
    }
    case 'multiselect': {
      const list = Array.isArray(value)
        ? value.map(String)
        : String(value)
            .split(/[|;,]/)
            .map((v) => v.trim());
      return [...new Set(list.filter((v) => v !== ''))].map((v, i) => row(v, null, i));
    }
    default:
      return [row(String(value))];
  }
}

/** The typed value a user shows for stored rows (the inverse of valueRows). */
export function valueOf(
  field: Pick<StoredField, 'type'>,
  rows: { value_text: string; value_num: number | null }[],
): CustomFieldValue {
  if (rows.length === 0) return null;
  if (field.type === 'multiselect') return rows.map((r) => r.value_text);
  if (field.type === 'number') return rows[0]!.value_num;
  if (field.type === 'boolean') return rows[0]!.value_text === 'true';
  return rows[0]!.value_text;
}

/** Values that feed the text search: free text and choices, not numbers, dates or flags. */
export const searchable = (field: Pick<StoredField, 'type'>): boolean =>
  field.type === 'text' || field.type === 'select' || field.type === 'multiselect';
