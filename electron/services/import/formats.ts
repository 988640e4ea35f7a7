/** Recognises the formats of DESIGN.md §7 by their header and content. */
import type { FileFormat } from '../../../common/files/types';
import type { TableSource } from '../files/table';

type Shape = Pick<TableSource, 'kind' | 'columns' | 'meta'>;

const has = (columns: string[], ...names: string[]) => names.every((n) => columns.includes(n));
const hasAnyPrefix = (columns: string[], ...prefixes: string[]) => columns.some((c) => prefixes.some((p) => c.startsWith(p)));

/** Entra's `Label [attribute] Required` headers. */
export const entraAttribute = (header: string): string | null => /\[([A-Za-z]+)\]/.exec(header)?.[1] ?? null;

export function recognizeFormat(table: Shape): FileFormat {
  const { kind, columns } = table;
  if (kind === 'ldif') return 'ldif';
  if (kind === 'xml') return table.meta.root === 'Contacts' && table.meta.record === 'Contact' ? 'chamilo-xml' : 'generic-xml';
  if (kind === 'json') {
    if (has(columns, 'username', 'email', 'firstName', 'lastName')) return 'userdeck-template';
    const auth0Keys = [
      'password_hash',
      'custom_password_hash',
      'user_id',
      'email_verified',
      'user_metadata',
      'app_metadata',
      'given_name',
      'family_name',
    ];
    return columns.includes('email') && columns.some((c) => auth0Keys.includes(c)) ? 'auth0-json' : 'generic-json';
  }
  const entra = columns.map(entraAttribute);
  if (
    entra.includes('userPrincipalName') ||
    (entra.filter(Boolean).length >= 2 && /^version:\s*v\d/i.test(table.meta.firstLine ?? ''))
  )
    return 'entra-bulk-create';
  if (
    columns.some((c) => c.startsWith('Email Address [Required]')) ||
    has(columns, 'First Name [Required]', 'Last Name [Required]')
  )
    return 'google-workspace';
  if (has(columns, 'LastName', 'FirstName', 'UserName') || has(columns, 'LastName', 'FirstName', 'Email', 'Status'))
    return 'chamilo-csv';
  if (has(columns, 'login', 'firstName', 'lastName', 'email')) return 'okta-csv';
  if (has(columns, 'username', 'email', 'firstName', 'lastName')) return 'userdeck-template';
  if (
    has(columns, 'username', 'firstname', 'lastname') ||
    (has(columns, 'username') && hasAnyPrefix(columns, 'profile_field_', 'course1', 'cohort1'))
  )
    return 'moodle-csv';
  return kind === 'xlsx' ? 'generic-xlsx' : 'generic-csv';
}
