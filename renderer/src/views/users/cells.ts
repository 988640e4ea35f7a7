/** How values appear in cells and on the profile: in the user's language, never raw. */
import type { CustomFieldDefinition } from '../../../../common/users/fields';
import type { CustomFieldValue } from '../../../../common/users/user';

export interface Formatters {
  day(value: string): string;
  number(value: number): string;
  yes: string;
  no: string;
}

export function customValueText(
  def: CustomFieldDefinition | undefined,
  value: CustomFieldValue | undefined,
  f: Formatters,
): string {
  if (value === null || value === undefined || value === '') return '';
  if (Array.isArray(value)) return value.join(', ');
  switch (def?.type) {
    case 'boolean':
      return value === true || value === 'true' ? f.yes : f.no;
    case 'date':
      return typeof value === 'string' ? f.day(value) : String(value);
    case 'number':
      return typeof value === 'number' ? f.number(value) : String(value);
    default:
      return String(value);
  }
}
