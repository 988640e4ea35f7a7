import { z } from 'zod';
import type { Language } from '../../common/api/lifecycle';
import type { Page } from '../../common/users/user';
import { isValidLanguage } from '../../common/users/validation';
import { appendActivity } from '../activity/log';
import { notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';

const codeParams = z.object({ code: z.string().min(2).max(35).refine(isValidLanguage, 'not a language tag') });

/** The languages users may have (a user's language set by a sync source stays locked against edits). */
export function languageRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/languages',
      access: 'languages.read',
      tag: 'languages',
      summary: 'The languages of the directory, in order',
      query: z.object({
        enabled: z.enum(['true', 'false']).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(200),
      }),
      async handler({ query, ctx }): Promise<Page<Language>> {
        let base = ctx.db.kysely.selectFrom('languages');
        if (query.enabled) base = base.where('enabled', '=', query.enabled === 'true' ? 1 : 0);
        const rows = await base
          .selectAll()
          .orderBy('position')
          .orderBy('code')
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize)
          .execute();
        const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        return {
          items: rows.map((r) => ({ code: r.code, name: r.name, enabled: r.enabled === 1 })),
          total: Number(total.n),
          page: query.page,
          pageSize: query.pageSize,
        };
      },
    }),
    route({
      method: 'PUT',
      url: '/api/v1/languages/:code',
      access: 'languages.write',
      tag: 'languages',
      summary: 'Add or change a language',
      params: codeParams,
      body: z
        .object({
          name: z.string().trim().min(1).max(100),
          enabled: z.boolean().default(true),
          position: z.number().int().min(0).max(10_000).optional(),
        })
        .strict(),
      async handler({ params, body, principal, ctx }): Promise<Language> {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const position =
            body.position ??
            Number(
              (
                await trx
                  .selectFrom('languages')
                  .select((eb) => eb.fn.max('position').as('p'))
                  .executeTakeFirst()
              )?.p ?? -1,
            ) + 1;
          const values = { name: body.name, enabled: body.enabled ? 1 : 0, position };
          await trx
            .insertInto('languages')
            .values({ code: params.code, ...values })
            .onConflict((oc) =>
              oc
                .column('code')
                .doUpdateSet(body.position === undefined ? { name: values.name, enabled: values.enabled } : values),
            )
            .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'language.saved',
            targetType: 'language',
            targetId: params.code,
          });
        });
        const row = await ctx.db.kysely
          .selectFrom('languages')
          .selectAll()
          .where('code', '=', params.code)
          .executeTakeFirstOrThrow();
        return { code: row.code, name: row.name, enabled: row.enabled === 1 };
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/languages/:code',
      access: 'languages.write',
      tag: 'languages',
      summary: 'Remove a language from the list (users keep theirs)',
      status: 204,
      params: codeParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const result = await trx.deleteFrom('languages').where('code', '=', params.code).executeTakeFirst();
          if (Number(result.numDeletedRows) === 0) throw notFound('language');
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'language.deleted',
            targetType: 'language',
            targetId: params.code,
          });
        });
        return undefined;
      },
    }),
  ];
}
