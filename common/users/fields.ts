import { z } from 'zod';
import { customFieldTypes, type CustomFieldType } from './user';
import { defaultPolicies, policiesSchema, type Policies } from './policies';

/**
 * The writable fields of a user, as import targets, export columns, template columns and form
 * fields. `key` is the admin API's property name; `label` an i18n key under `fields.`.
 */
export type BuiltinFieldType = 'text' | 'email' | 'password' | 'boolean' | 'date' | 'language' | 'list' | 'phone';

export interface BuiltinField {
  key: string;
  type: BuiltinFieldType;
  /** Needed to create a user. */
  required: boolean;
  maxLength?: number;
  /** Exported and shown in templates (password is write-only). */
  exportable: boolean;
}

export const builtinFields = [
  { key: 'username', type: 'text', required: true, maxLength: 100, exportable: true },
  { key: 'email', type: 'email', required: true, maxLength: 254, exportable: true },
  { key: 'firstName', type: 'text', required: true, maxLength: 100, exportable: true },
  { key: 'lastName', type: 'text', required: true, maxLength: 100, exportable: true },
  { key: 'maternalSurname', type: 'text', required: false, maxLength: 100, exportable: true },
  { key: 'displayName', type: 'text', required: false, maxLength: 200, exportable: true },
  { key: 'officialCode', type: 'text', required: false, maxLength: 64, exportable: true },
  { key: 'phone', type: 'phone', required: false, maxLength: 40, exportable: true },
  { key: 'language', type: 'language', required: false, maxLength: 35, exportable: true },
  { key: 'password', type: 'password', required: false, maxLength: 1024, exportable: false },
  { key: 'external', type: 'boolean', required: false, exportable: true },
  { key: 'active', type: 'boolean', required: false, exportable: true },
  { key: 'emailVerified', type: 'boolean', required: false, exportable: true },
  { key: 'expiresAt', type: 'date', required: false, exportable: true },
  { key: 'roles', type: 'list', required: false, exportable: true },
  { key: 'groups', type: 'list', required: false, exportable: true },
  { key: 'tags', type: 'list', required: false, exportable: true },
  { key: 'license', type: 'text', required: false, maxLength: 100, exportable: true },
] as const satisfies readonly BuiltinField[];

export type BuiltinFieldKey = (typeof builtinFields)[number]['key'];
export const builtinFieldKeys = builtinFields.map((f) => f.key) as BuiltinFieldKey[];

export const customFieldKeyPattern = /^[a-z][a-z0-9_]{0,62}$/;

export const customFieldDefinitionSchema = z.object({
  key: z.string().regex(customFieldKeyPattern),
  label: z.string().min(1).max(200),
  type: z.enum(customFieldTypes),
  required: z.boolean().default(false),
  /** A regular expression the (text) value must match in full. */
  pattern: z.string().max(500).nullable().default(null),
  /** The choices of select and multiselect fields. */
  options: z.array(z.string().min(1).max(200)).max(1000).default([]),
  description: z.string().max(1000).nullable().default(null),
});
export type CustomFieldDefinition = z.infer<typeof customFieldDefinitionSchema>;

/**
 * What a backend tells a client about its users' fields: sent by `GET /api/v1/capabilities`, and
 * cached per connection so the offline workspace validates without a connection.
 */
export const fieldSchemaSchema = z.object({
  customFields: z.array(customFieldDefinitionSchema),
  // Policies a backend (or a cache written by an older version) does not send take their defaults.
  policies: policiesSchema.partial().transform((p): Policies => ({ ...defaultPolicies, ...p })),
  roles: z.array(z.object({ key: z.string(), name: z.string() })),
  languages: z.array(z.string()),
});
export type FieldSchema = z.infer<typeof fieldSchemaSchema>;

export const defaultFieldSchema: FieldSchema = {
  customFields: [],
  policies: defaultPolicies,
  roles: [],
  languages: ['en', 'es', 'fr'],
};

export function withPolicies(schema: FieldSchema, policies: Partial<Policies>): FieldSchema {
  return { ...schema, policies: { ...schema.policies, ...policies } };
}

export function isCustomFieldType(value: string): value is CustomFieldType {
  return (customFieldTypes as readonly string[]).includes(value);
}
