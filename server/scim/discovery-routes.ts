import { z } from 'zod';
import type { ServerContext } from '../context';
import { loadFields } from '../custom-fields/store';
import { notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { scimBase } from './context';
import { enterpriseSchema, groupSchema, listSchema, schemaDocuments, userdeckSchema, userSchema } from './schemas';

function serviceProviderConfig(ctx: ServerContext, base: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${base.replace(/\/scim\/v2$/, '')}/api/v1/openapi.json`,
    patch: { supported: true },
    bulk: { supported: true, maxOperations: ctx.limits.bulkMaxOperations, maxPayloadSize: ctx.limits.bulkMaxPayload },
    filter: { supported: true, maxResults: ctx.limits.scimCountMax },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    // RFC 9865: cursor paging beside index paging.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 100,
      maxPageSize: ctx.limits.scimCountMax,
      cursorTimeout: 0,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'An API token of the directory (Authorization: Bearer <token>)',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

function resourceTypes(base: string) {
  const type = (id: string, endpoint: string, schema: string, extensions: string[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id,
    name: id,
    endpoint,
    description: id,
    schema,
    schemaExtensions: extensions.map((s) => ({ schema: s, required: false })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${id}` },
  });
  return [type('User', '/Users', userSchema, [enterpriseSchema, userdeckSchema]), type('Group', '/Groups', groupSchema, [])];
}

const list = (resources: unknown[]) => ({
  schemas: [listSchema],
  totalResults: resources.length,
  itemsPerPage: resources.length,
  startIndex: 1,
  Resources: resources,
});

export function scimDiscoveryRoutes(): AnyRoute[] {
  const idParams = z.object({ id: z.string().min(1).max(300) });
  return [
    route({
      method: 'GET',
      url: '/scim/v2/ServiceProviderConfig',
      access: 'public',
      tag: 'scim',
      summary: 'SCIM: what this service provider supports',
      async handler({ ctx, request }) {
        return serviceProviderConfig(ctx, scimBase(request));
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/ResourceTypes',
      access: 'public',
      tag: 'scim',
      summary: 'SCIM: resource types',
      async handler({ request }) {
        return list(resourceTypes(scimBase(request)));
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/ResourceTypes/:id',
      access: 'public',
      tag: 'scim',
      summary: 'SCIM: one resource type',
      params: idParams,
      async handler({ params, request }) {
        const found = resourceTypes(scimBase(request)).find((t) => t.id.toLowerCase() === params.id.toLowerCase());
        if (!found) throw notFound('resource type');
        return found;
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/Schemas',
      access: 'public',
      tag: 'scim',
      summary: 'SCIM: schemas, custom fields included in the Userdeck extension',
      async handler({ ctx, request }) {
        return list(schemaDocuments(await loadFields(ctx.db.kysely), scimBase(request)));
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/Schemas/:id',
      access: 'public',
      tag: 'scim',
      summary: 'SCIM: one schema',
      params: idParams,
      async handler({ params, ctx, request }) {
        const found = schemaDocuments(await loadFields(ctx.db.kysely), scimBase(request)).find(
          (s) => s.id.toLowerCase() === params.id.toLowerCase(),
        );
        if (!found) throw notFound('schema');
        return found;
      },
    }),
  ];
}
