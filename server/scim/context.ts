import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { loadFields, type StoredField } from '../custom-fields/store';
import type { ParseLimits } from './filter/parse';
import { enterpriseSchema, groupSchema, userdeckSchema, userResource, userSchema, type ResourceSchemas } from './schemas';

export const scimUrns = [userSchema, groupSchema, enterpriseSchema, userdeckSchema];

/** The absolute base of SCIM locations, as the client reached us. */
export function scimBase(request: FastifyRequest): string {
  const host = request.headers.host ?? `${request.hostname}`;
  return `${request.protocol}://${host}/scim/v2`;
}

export interface ScimRequestContext {
  fields: StoredField[];
  users: ResourceSchemas;
  limits: ParseLimits;
}

export async function scimContext(ctx: ServerContext): Promise<ScimRequestContext> {
  const fields = await loadFields(ctx.db.kysely);
  return {
    fields,
    users: userResource(fields),
    limits: { maxLength: ctx.limits.filterMaxLength, maxDepth: ctx.limits.filterMaxDepth, urns: scimUrns },
  };
}
