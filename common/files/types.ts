/**
 * The files engine's vocabulary (DESIGN.md §7, §8): format and encoding names, what `inspect`
 * reports, and the mapping of a file's columns to the user model. Shared by the services, the CLI
 * and (later) the import wizard.
 */

export const fileFormats = [
  'userdeck-template',
  'generic-csv',
  'generic-xlsx',
  'chamilo-csv',
  'chamilo-xml',
  'moodle-csv',
  'entra-bulk-create',
  'google-workspace',
  'okta-csv',
  'auth0-json',
  'ldif',
  /** XML or JSON that is none of the above: read generically. */
  'generic-xml',
  'generic-json',
] as const;
export type FileFormat = (typeof fileFormats)[number];

/** How a file is physically laid out, before its columns are recognised. */
export type FileKind = 'csv' | 'xlsx' | 'xml' | 'json' | 'ldif';

export const encodingNames = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;
export type EncodingName = (typeof encodingNames)[number];

/**
 * Where a column goes: a built-in field key (`email`), `customFields.<key>`, one of the special
 * targets below, or null (ignored).
 * - `passwordHash`: an imported hash (Auth0); `status`: an active/blocked word or flag read through
 *   the column's transform; `groups` from course/group/cohort columns.
 */
export type MappingTarget = string | null;

/** How a cell is turned into the target's value. */
export type CellTransform =
  | 'text'
  /** Chamilo Status: 1/teacher → teacher role, 5/user/student → student role. */
  | 'chamiloStatus'
  /** Entra "Block sign in" Yes/No: active = not blocked. */
  | 'blockSignIn'
  /** Moodle "suspended" 0/1. */
  | 'suspended'
  /** Google `****`: keep the current password. */
  | 'googlePassword'
  /** A list separated by `|` (Chamilo courses, LDIF multi-values) or `,`/`;`. */
  | 'list'
  /** Auth0 password_hash / custom_password_hash. */
  | 'auth0Hash';

export interface ColumnMapping {
  column: string;
  target: MappingTarget;
  transform?: CellTransform;
}

export interface Mapping {
  columns: ColumnMapping[];
  /** Where it came from: recognised format, saved preset, header synonyms, or the admin. */
  source: 'format' | 'preset' | 'synonyms' | 'manual';
}

/** One invalid cell: `row` is the 0-based data record, `column` the file's column name. */
export interface RowProblem {
  row: number;
  /** 0-based physical line (CSV) or sheet row (XLSX) where the record starts; null for XML, JSON, LDIF. */
  line: number | null;
  column: string | null;
  field: string | null;
  code: string;
  /** English text, e.g. `malformed email: tom@@example.com`. */
  problem: string;
}

/** A problem with the file as a whole (ignored column, unknown custom field, ragged rows…). */
export interface FileNotice {
  code: string;
  message: string;
}

export interface InspectReport {
  format: FileFormat;
  encoding: EncodingName | null;
  delimiter: string | null;
  headerRow: number | null;
  columns: string[];
  dataRows: number;
  /** Column name → target (null = ignored). */
  mapping: Record<string, MappingTarget>;
  problems: RowProblem[];
  /** Pairs [i, j] (i < j) of records sharing a non-empty username or email, case-insensitively. */
  duplicates: [number, number][];
  notices: FileNotice[];
  /** XLSX: the sheet read and every sheet's name and visibility. */
  sheet?: string;
  sheets?: { name: string; hidden: boolean }[];
}
