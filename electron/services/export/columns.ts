/**
 * The columns of exports and templates: Userdeck's own header (field keys, custom fields as
 * `cf.<key>`), recognised on import as `userdeck-template`; lists joined with `|`.
 */
import { builtinFields, type FieldSchema } from '../../../common/users/fields';
import type { CustomFieldValue, User } from '../../../common/users/user';

export const exportBuiltinColumns: string[] = builtinFields.filter((f) => f.exportable).map((f) => f.key);

export function defaultExportColumns(schema: FieldSchema | null): string[] {
  return [...exportBuiltinColumns, ...(schema?.customFields ?? []).map((d) => `cf.${d.key}`)];
}

/** Columns a template offers: every writable field, password included. */
export function templateColumns(schema: FieldSchema | null): string[] {
  const keys = builtinFields.map((f) => f.key as string);
  return [...keys, ...(schema?.customFields ?? []).map((d) => `cf.${d.key}`)];
}

export const isExportColumn = (column: string): boolean =>
  exportBuiltinColumns.includes(column) || /^cf\.[a-z][a-z0-9_]{0,62}$/.test(column);

function customText(value: CustomFieldValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join('|');
  return String(value);
}

/** One user as the cells of `columns`. */
export function userCells(user: User, columns: string[]): string[] {
  return columns.map((column) => {
    if (column.startsWith('cf.')) return customText(user.customFields[column.slice(3)]);
    switch (column) {
      case 'groups':
        return user.groups.map((g) => g.name).join('|');
      case 'roles':
      case 'tags':
        return user[column].join('|');
      case 'expiresAt':
        return user.expiresAt ? user.expiresAt.slice(0, 10) : '';
      default: {
        const value = (user as unknown as Record<string, unknown>)[column];
        if (value === null || value === undefined) return '';
        return typeof value === 'boolean' ? String(value) : String(value);
      }
    }
  });
}

/** Chamilo's `<Contact>` fields, for the XML export. Status: 1 for teachers (content admins), 5 for everyone else. */
export const chamiloColumns = ['LastName', 'FirstName', 'Email', 'UserName', 'OfficialCode', 'PhoneNumber', 'Status', 'Courses'];

export function chamiloCells(user: User, teacherRole = 'content_admin'): string[] {
  return [
    user.lastName,
    user.firstName,
    user.email ?? '',
    user.username,
    user.officialCode ?? '',
    user.phone ?? '',
    user.roles.includes(teacherRole) ? '1' : '5',
    user.groups.map((g) => g.name).join('|'),
  ];
}
