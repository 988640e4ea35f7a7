import { newId } from '../ids';
import { z } from 'zod';
import { customFieldDefinitionSchema } from '../../common/users/fields';
import { appendActivity } from '../activity/log';
import { ApiError, badRequest, conflict, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { toDefinition } from './store';

const keyParams = z.object({ key: z.string().min(1).max(63) });

function checkDefinition(def: { type: string; pattern: string | null; options: string[] }): void {
  if (def.pattern !== null) {
    try {
      new RegExp(`^(?:${def.pattern})$`, 'u');
    } catch {
      throw badRequest('the pattern is not a valid regular expression', [{ field: 'pattern', code: 'pattern' }]);
    }
    if (def.type !== 'text') throw badRequest('only text fields take a pattern', [{ field: 'pattern', code: 'invalid' }]);
  }
  if ((def.type === 'select' || def.type === 'multiselect') && def.options.length === 0)
    throw badRequest('select fields need at least one option', [{ field: 'options', code: 'required' }]);
  if (new Set(def.options).size !== def.options.length)
    throw badRequest('the options must be different', [{ field: 'options', code: 'duplicate' }]);
}

const patchSchema = customFieldDefinitionSchema
  .pick({ label: true, required: true, pattern: true, options: true, description: true })
  .partial()
  .strict();

/** Typed custom fields (text, number, date, boolean, select, multiselect; required; pattern). */
export function customFieldRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/custom-fields',
      access: 'customFields.read',
      tag: 'custom fields',
      summary: 'List the custom field definitions',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ query, ctx }) {
        const db = ctx.db.kysely;
        const rows = await db
          .selectFrom('custom_fields')
          .selectAll()
          .orderBy('position')
          .orderBy('key')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await db
          .selectFrom('custom_fields')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return { items: rows.map(toDefinition), total: Number(total.n), page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/custom-fields',
      access: 'customFields.write',
      tag: 'custom fields',
      summary: 'Define a custom field',
      status: 201,
      body: customFieldDefinitionSchema.strict(),
      async handler({ body, principal, ctx, reply }) {
        checkDefinition(body);
        const db = ctx.db.kysely;
        return db.transaction().execute(async (trx) => {
          if (await trx.selectFrom('custom_fields').select('id').where('key', '=', body.key).executeTakeFirst())
            throw conflict(`a custom field "${body.key}" exists`, [{ field: 'key', code: 'duplicate' }]);
          const now = ctx.clock.now().toISOString();
          const max = await trx
            .selectFrom('custom_fields')
            .select((eb) => eb.fn.max('position').as('p'))
            .executeTakeFirst();
          const row = {
            id: newId(),
            key: body.key,
            label: body.label,
            type: body.type,
            required: body.required ? 1 : 0,
            pattern: body.pattern,
            options: JSON.stringify(body.options),
            description: body.description,
            position: Number(max?.p ?? 0) + 1,
            created_at: now,
            updated_at: now,
          };
          await trx.insertInto('custom_fields').values(row).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'customField.created',
            targetType: 'customField',
            targetId: row.id,
          });
          reply.code(201);
          return toDefinition(row);
        });
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/custom-fields/:key',
      access: 'customFields.write',
      tag: 'custom fields',
      summary: 'Change a custom field (its key and type are fixed)',
      params: keyParams,
      body: patchSchema,
      async handler({ params, body, principal, ctx }) {
        return ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('custom_fields').selectAll().where('key', '=', params.key).executeTakeFirst();
          if (!row) throw notFound('custom field');
          const current = toDefinition(row);
          const next = { ...current, ...body };
          checkDefinition(next);
          await trx
            .updateTable('custom_fields')
            .set({
              label: next.label,
              required: next.required ? 1 : 0,
              pattern: next.pattern,
              options: JSON.stringify(next.options),
              description: next.description,
              updated_at: ctx.clock.now().toISOString(),
            })
            .where('id', '=', row.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'customField.updated',
            targetType: 'customField',
            targetId: row.id,
            data: { fields: Object.keys(body) },
          });
          return toDefinition((await trx.selectFrom('custom_fields').selectAll().where('id', '=', row.id).executeTakeFirst())!);
        });
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/custom-fields/:key',
      access: 'customFields.write',
      tag: 'custom fields',
      summary: 'Remove a custom field and every user\'s value of it (needs {"confirm": true})',
      status: 204,
      params: keyParams,
      body: z
        .object({ confirm: z.literal(true) })
        .strict()
        .optional(),
      async handler({ params, body, principal, ctx }) {
        if (!body?.confirm)
          throw new ApiError(400, 'confirmRequired', 'removing a custom field deletes its values: send {"confirm": true}');
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('custom_fields').select('id').where('key', '=', params.key).executeTakeFirst();
          if (!row) throw notFound('custom field');
          await trx.deleteFrom('user_field_values').where('field_id', '=', row.id).execute();
          await trx.deleteFrom('custom_fields').where('id', '=', row.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'customField.deleted',
            targetType: 'customField',
            targetId: row.id,
          });
        });
        return undefined;
      },
    }),
  ];
}
