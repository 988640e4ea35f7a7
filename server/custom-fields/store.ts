import type { Kysely, Transaction } from 'kysely';
import type { CustomFieldDefinition, FieldSchema } from '../../common/users/fields';
import type { CustomFieldType } from '../../common/users/user';
import type { Database, CustomFieldsTable } from '../db/schema';
import { loadPolicies } from '../settings/policies';

export interface StoredField extends CustomFieldDefinition {
  id: string;
  position: number;
}

type Executor = Kysely<Database> | Transaction<Database>;

export function toDefinition(row: CustomFieldsTable): StoredField {
  return {
    id: row.id,
    key: row.key,
    label: row.label,
    type: row.type as CustomFieldType,
    required: row.required === 1,
    pattern: row.pattern,
    options: JSON.parse(row.options) as string[],
    description: row.description,
    position: row.position,
  };
}

export async function loadFields(db: Executor): Promise<StoredField[]> {
  const rows = await db.selectFrom('custom_fields').selectAll().orderBy('position').orderBy('key').execute();
  return rows.map(toDefinition);
}

/** The field schema of DESIGN.md §3 as `capabilities` serves it and the server validates with. */
export async function loadFieldSchema(db: Executor): Promise<{ schema: FieldSchema; fields: StoredField[] }> {
  const [fields, policies, roles, languages] = await Promise.all([
    loadFields(db),
    loadPolicies(db),
    db.selectFrom('roles').select(['key', 'name']).orderBy('name').execute(),
    db.selectFrom('languages').select('code').where('enabled', '=', 1).orderBy('position').orderBy('code').execute(),
  ]);
  const customFields = fields.map(({ id: _id, position: _position, ...def }) => def);
  return { schema: { customFields, policies, roles, languages: languages.map((l) => l.code) }, fields };
}
