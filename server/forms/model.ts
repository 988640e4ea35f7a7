import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { Form, FormAnswer, FormField } from '../../common/api/lifecycle';
import { customFieldDefinitionSchema } from '../../common/users/fields';
import type { CustomFieldValue } from '../../common/users/user';
import {
  customFieldProblems,
  isBlank,
  parseBoolean,
  parseIsoDate,
  parseNumber,
  type FieldProblem,
} from '../../common/users/validation';
import type { Database } from '../db/schema';
import type { FormsTable } from '../db/schema-lifecycle';

/** Form fields are typed like custom fields; keys are unique, choice fields have choices, patterns compile. */
export const formFieldsSchema = z
  .array(customFieldDefinitionSchema)
  .min(1)
  .max(200)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `the key "${f.key}" appears twice` });
      seen.add(f.key);
      if ((f.type === 'select' || f.type === 'multiselect') && f.options.length === 0)
        ctx.addIssue({ code: 'custom', path: [i, 'options'], message: 'a choice field needs options' });
      if (f.pattern)
        try {
          new RegExp(f.pattern, 'u');
        } catch {
          ctx.addIssue({ code: 'custom', path: [i, 'pattern'], message: 'not a valid regular expression' });
        }
    });
  });

export function toForm(row: Selectable<FormsTable>, answerCount: number): Form {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    fields: JSON.parse(row.fields) as FormField[],
    active: row.active === 1,
    authorId: row.author_id,
    answerCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export async function loadForms(db: Kysely<Database>, ids: string[]): Promise<Form[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('forms')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('form_answers')
        .whereRef('form_answers.form_id', '=', 'forms.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('answers'),
    )
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toForm(r, Number(r.answers ?? 0))]));
  return ids.map((id) => byId.get(id)).filter((f): f is Form => !!f);
}

/** Checks answers (as a browser form sends them) against the fields and types them. */
export function validateAnswers(
  fields: FormField[],
  raw: Record<string, string | string[] | undefined>,
): { answers: Record<string, CustomFieldValue>; problems: FieldProblem[] } {
  const answers: Record<string, CustomFieldValue> = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    let value: string | string[] | undefined = raw[field.key];
    if (field.type === 'boolean') value = value === undefined ? 'false' : value;
    if (field.type === 'multiselect') value = value === undefined ? [] : Array.isArray(value) ? value : [value];
    else if (Array.isArray(value)) value = value[0];
    const found = customFieldProblems(field, value).map((p) => ({ ...p, field: field.key }));
    if (found.length) {
      problems.push(...found);
      continue;
    }
    if (isBlank(value) || (Array.isArray(value) && value.length === 0)) answers[field.key] = null;
    else if (field.type === 'number') answers[field.key] = parseNumber(value);
    else if (field.type === 'boolean') answers[field.key] = parseBoolean(value);
    else if (field.type === 'date') answers[field.key] = parseIsoDate(value);
    else answers[field.key] = value as string | string[];
  }
  return { answers, problems };
}

export async function answersOf(
  db: Kysely<Database>,
  where: { formId?: string; userId?: string },
  page: { page: number; pageSize: number },
): Promise<{ items: FormAnswer[]; total: number }> {
  let base = db
    .selectFrom('form_answers')
    .innerJoin('forms', 'forms.id', 'form_answers.form_id')
    .leftJoin('users', 'users.id', 'form_answers.user_id');
  if (where.formId) base = base.where('form_answers.form_id', '=', where.formId);
  if (where.userId) base = base.where('form_answers.user_id', '=', where.userId);
  const rows = await base
    .select([
      'form_answers.form_id',
      'forms.name as form_name',
      'form_answers.user_id',
      'users.username',
      'form_answers.answers',
      'form_answers.submitted_at',
      'form_answers.updated_at',
    ])
    .orderBy('form_answers.submitted_at', 'desc')
    .orderBy('form_answers.user_id')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      formId: r.form_id,
      formName: r.form_name,
      userId: r.user_id,
      username: r.username ?? null,
      answers: JSON.parse(r.answers) as Record<string, CustomFieldValue>,
      submittedAt: r.submitted_at,
      updatedAt: r.updated_at,
    })),
    total: Number(total.n),
  };
}
