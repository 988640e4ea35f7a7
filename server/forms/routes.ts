import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Form, FormAnswer } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { appendActivity } from '../activity/log';
import { notFound, preconditionFailed } from '../errors';
import { etagOf, ifMatchVersion } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { csvStream } from '../jobs/csv';
import { answersOf, formFieldsSchema, loadForms } from './model';

const idParams = z.object({ id: z.string().min(1).max(100) });
const paging = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(30),
});
const formBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(5000).nullable().optional(),
    fields: formFieldsSchema,
    active: z.boolean().optional(),
  })
  .strict();

/** Forms administrators define (typed fields) and users answer on the portal; answers per user and as CSV. */
export function formRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/forms',
      access: 'forms.read',
      tag: 'forms',
      summary: 'Forms, by name, with their answer counts',
      query: paging,
      async handler({ query, ctx }): Promise<Page<Form>> {
        const db = ctx.db.kysely;
        const rows = await db
          .selectFrom('forms')
          .select('id')
          .orderBy('name')
          .orderBy('id')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await db
          .selectFrom('forms')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        return {
          items: await loadForms(
            db,
            rows.map((r) => r.id),
          ),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/forms',
      access: 'forms.write',
      tag: 'forms',
      summary: 'Define a form',
      status: 201,
      body: formBody,
      async handler({ body, principal, ctx, reply }) {
        const id = randomUUID();
        const now = ctx.clock.now().toISOString();
        await ctx.db.kysely.transaction().execute(async (trx) => {
          await trx
            .insertInto('forms')
            .values({
              id,
              name: body.name,
              description: body.description ?? null,
              fields: JSON.stringify(body.fields),
              active: body.active === false ? 0 : 1,
              author_id: principal!.userId,
              created_at: now,
              updated_at: now,
              version: 1,
            })
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'form.created', targetType: 'form', targetId: id });
        });
        const [form] = await loadForms(ctx.db.kysely, [id]);
        reply.code(201).header('etag', etagOf(form!.version)).header('location', `/api/v1/forms/${id}`);
        return form;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/forms/:id',
      access: 'forms.read',
      tag: 'forms',
      summary: 'Get a form',
      params: idParams,
      async handler({ params, ctx, reply }) {
        const [form] = await loadForms(ctx.db.kysely, [params.id]);
        if (!form) throw notFound('form');
        reply.header('etag', etagOf(form.version));
        return form;
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/forms/:id',
      access: 'forms.write',
      tag: 'forms',
      summary: 'Change a form (If-Match)',
      params: idParams,
      body: formBody.partial().strict(),
      async handler({ params, body, principal, ctx, request, reply }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('forms').selectAll().where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('form');
          const ifMatch = ifMatchVersion(request, row.version);
          if (ifMatch !== undefined && ifMatch !== row.version) throw preconditionFailed();
          await trx
            .updateTable('forms')
            .set({
              ...(body.name !== undefined ? { name: body.name } : {}),
              ...(body.description !== undefined ? { description: body.description } : {}),
              ...(body.fields !== undefined ? { fields: JSON.stringify(body.fields) } : {}),
              ...(body.active !== undefined ? { active: body.active ? 1 : 0 } : {}),
              updated_at: ctx.clock.now().toISOString(),
              version: row.version + 1,
            })
            .where('id', '=', row.id)
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'form.updated',
            targetType: 'form',
            targetId: row.id,
            data: { fields: Object.keys(body) },
          });
        });
        const [form] = await loadForms(ctx.db.kysely, [params.id]);
        reply.header('etag', etagOf(form!.version));
        return form;
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/forms/:id',
      access: 'forms.write',
      tag: 'forms',
      summary: 'Delete a form and its answers',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('forms').select('id').where('id', '=', params.id).executeTakeFirst();
          if (!row) throw notFound('form');
          await trx.deleteFrom('form_answers').where('form_id', '=', row.id).execute();
          await trx.deleteFrom('forms').where('id', '=', row.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'form.deleted',
            targetType: 'form',
            targetId: row.id,
          });
        });
        return undefined;
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/forms/:id/answers',
      access: 'forms.read',
      tag: 'forms',
      summary: "A form's answers, newest first",
      params: idParams,
      query: paging,
      async handler({ params, query, ctx }): Promise<Page<FormAnswer>> {
        if (!(await loadForms(ctx.db.kysely, [params.id])).length) throw notFound('form');
        return { ...(await answersOf(ctx.db.kysely, { formId: params.id }, query)), page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/forms/:id/answers.csv',
      access: 'forms.read',
      tag: 'forms',
      summary: "A form's answers as CSV (one column per field)",
      params: idParams,
      async handler({ params, ctx, reply }) {
        const [form] = await loadForms(ctx.db.kysely, [params.id]);
        if (!form) throw notFound('form');
        reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="form-${form.id}-answers.csv"`);
        const keys = form.fields.map((f) => f.key);
        return csvStream(['userId', 'username', 'submittedAt', ...keys], async function* () {
          for (let page = 1; ; page++) {
            const { items } = await answersOf(ctx.db.kysely, { formId: form.id }, { page, pageSize: 500 });
            if (items.length === 0) return;
            yield items.map((a) => [a.userId, a.username, a.submittedAt, ...keys.map((k) => a.answers[k] ?? '')]);
          }
        });
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/users/:id/form-answers',
      access: 'forms.read',
      tag: 'forms',
      summary: "A user's form answers",
      params: idParams,
      query: paging,
      async handler({ params, query, ctx }): Promise<Page<FormAnswer>> {
        if (!(await ctx.db.kysely.selectFrom('users').select('id').where('id', '=', params.id).executeTakeFirst()))
          throw notFound('user');
        return { ...(await answersOf(ctx.db.kysely, { userId: params.id }, query)), page: query.page, pageSize: query.pageSize };
      },
    }),
  ];
}
