import { z } from 'zod';
import type { Settings } from '../../common/api/lifecycle';
import { policiesSchema } from '../../common/users/policies';
import { appendActivity } from '../activity/log';
import type { ServerContext } from '../context';
import { route, type AnyRoute } from '../http/route';
import { licensesUsed } from '../lifecycle/status';
import { loadMailSettings, publicMailSettings } from '../mail/settings';
import { loadPolicies } from './policies';
import { readSetting, writeSetting } from './store';

const mailBody = z
  .object({
    host: z.string().trim().min(1).max(255).nullable(),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['none', 'starttls', 'tls']),
    user: z.string().max(255).nullable(),
    password: z.string().max(1024).nullable(),
    from: z.string().trim().min(3).max(320),
  })
  .partial()
  .strict();

const publicUrl = z
  .string()
  .max(2000)
  .refine((v) => /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v), 'an http(s) URL without query or fragment');

async function loadSettings(ctx: ServerContext): Promise<Settings> {
  const db = ctx.db.kysely;
  const policies = await loadPolicies(db);
  return {
    policies,
    mail: publicMailSettings(await loadMailSettings(db)),
    publicUrl: await readSetting<string>(db, 'publicUrl'),
    licenses: { pool: policies.licensePool, used: await licensesUsed({ db }) },
  };
}

/** Policies (DESIGN.md §5, each with its product default), SMTP, the public URL and licences. */
export function settingsRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/settings',
      access: 'settings.read',
      tag: 'settings',
      summary: 'Policies, mail (SMTP; the password is never shown), public URL and licences',
      async handler({ ctx }) {
        return loadSettings(ctx);
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/settings',
      access: 'settings.write',
      tag: 'settings',
      summary: 'Change policies, mail settings or the public URL (only what is given)',
      body: z
        .object({ policies: policiesSchema.partial().strict(), mail: mailBody, publicUrl: publicUrl.nullable() })
        .partial()
        .strict(),
      async handler({ body, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const changed: string[] = [];
          if (body.policies) {
            const stored = (await readSetting<Record<string, unknown>>(trx, 'policies')) ?? {};
            await writeSetting(trx, 'policies', { ...stored, ...body.policies });
            changed.push(...Object.keys(body.policies).map((k) => `policies.${k}`));
          }
          if (body.mail) {
            const stored = await loadMailSettings(trx);
            await writeSetting(trx, 'mail', { ...stored, ...body.mail });
            changed.push(...Object.keys(body.mail).map((k) => `mail.${k}`));
          }
          if (body.publicUrl !== undefined) {
            await writeSetting(trx, 'publicUrl', body.publicUrl?.replace(/\/+$/, '') ?? null);
            changed.push('publicUrl');
          }
          // Names of what changed only: never a value (the SMTP password least of all).
          await appendActivity(trx, ctx.clock, principal!.actor, { action: 'settings.updated', data: { fields: changed } });
        });
        return loadSettings(ctx);
      },
    }),
  ];
}
