import { adminFeatures, type AdminFeature, type Capabilities } from '../../common/api/admin';
import { loadFieldSchema } from '../custom-fields/store';
import { route, type AnyRoute } from '../http/route';

/** The admin features this server implements: all of them. */
export const implementedFeatures: AdminFeature[] = [...adminFeatures];

export function capabilityRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/capabilities',
      access: 'authenticated',
      tag: 'meta',
      summary: 'Version, features, limits and the field schema (custom fields, policies, roles)',
      async handler({ ctx }): Promise<Capabilities> {
        const { schema } = await loadFieldSchema(ctx.db.kysely);
        return {
          product: 'userdeck',
          version: ctx.version,
          features: implementedFeatures,
          fieldSchema: schema,
          limits: { pageSizeMax: ctx.limits.pageSizeMax, batchMax: ctx.limits.batchMax, lookupMax: ctx.limits.lookupMax },
        };
      },
    }),
  ];
}
