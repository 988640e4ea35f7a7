import { z } from 'zod';
import type { Principal } from '../auth/principal';
import type { ServerContext } from '../context';
import { ApiError, notFound } from '../errors';
import { etagOf, ifMatchVersion, notModified } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { loadUsers } from '../users/load';
import { createUser, patchUser, trashUser } from '../users/service';
import { scimBase, scimContext, scimUrns } from './context';
import { listParamsSchema, listResources, type ListParams } from './list';
import { applyPatch } from './patch';
import { parseAttributeList, project } from './projection';
import { listSchema, patchSchema, searchSchema, userSchema } from './schemas';
import { fromScimUser, toScimUser, type ScimUserExtra } from './user-resource';
import { invalidValue, isObject, type Json } from './values';

const idParams = z.object({ id: z.string().min(1).max(200) });
const body = z.record(z.string(), z.unknown());

export async function scimUsers(ctx: ServerContext, ids: string[], base: string): Promise<Json[]> {
  const users = await loadUsers(ctx.db.kysely, ids);
  if (users.length === 0) return [];
  const extras = await ctx.db.kysely
    .selectFrom('users')
    .select(['id', 'external_id', 'scim_attributes', 'email_type', 'phone_type'])
    .where('id', 'in', ids)
    .execute();
  const byId = new Map(extras.map((e) => [e.id, e]));
  return users.map((u) => {
    const e = byId.get(u.id);
    const extra: ScimUserExtra = {
      externalId: e?.external_id ?? null,
      scimAttributes: e?.scim_attributes ? (JSON.parse(e.scim_attributes) as ScimUserExtra['scimAttributes']) : null,
      emailType: e?.email_type ?? null,
      phoneType: e?.phone_type ?? null,
    };
    return toScimUser(u, extra, base);
  });
}

async function scimUser(ctx: ServerContext, id: string, base: string): Promise<Json> {
  const row = await ctx.db.kysely.selectFrom('users').select(['id', 'deleted_at']).where('id', '=', id).executeTakeFirst();
  if (!row || row.deleted_at) throw notFound('user');
  return (await scimUsers(ctx, [id], base))[0]!;
}

export async function listUsersResponse(ctx: ServerContext, params: ListParams, base: string) {
  const sc = await scimContext(ctx);
  const page = await listResources(ctx, 'users', params, sc.fields, scimUrns);
  const include = parseAttributeList(params.attributes, scimUrns);
  const exclude = parseAttributeList(params.excludedAttributes, scimUrns);
  const resources = (await scimUsers(ctx, page.ids, base)).map((r) => project(r, include, exclude, userSchema));
  return {
    schemas: [listSchema],
    totalResults: page.total,
    itemsPerPage: resources.length,
    startIndex: page.startIndex,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    ...(page.previousCursor ? { previousCursor: page.previousCursor } : {}),
    Resources: resources,
  };
}

const searchBody = z
  .object({
    schemas: z.array(z.string()).optional(),
    filter: z.string().optional(),
    sortBy: z.string().optional(),
    sortOrder: z.string().optional(),
    startIndex: z.union([z.number(), z.string()]).optional(),
    count: z.union([z.number(), z.string()]).optional(),
    cursor: z.string().optional(),
    attributes: z.union([z.array(z.string()), z.string()]).optional(),
    excludedAttributes: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .strict();

/** A SearchRequest body as list parameters. */
export function searchParams(input: z.infer<typeof searchBody>): ListParams {
  if (input.schemas && !input.schemas.includes(searchSchema))
    throw invalidValue(`a search request lists the schema ${searchSchema}`);
  const join = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join(',') : v);
  const parsed = listParamsSchema.safeParse({
    ...input,
    attributes: join(input.attributes),
    excludedAttributes: join(input.excludedAttributes),
    schemas: undefined,
  });
  if (!parsed.success) throw invalidValue(parsed.error.issues[0]!.message);
  return parsed.data;
}
export { searchBody };

async function writeUser(
  ctx: ServerContext,
  principal: Principal,
  id: string,
  input: ReturnType<typeof fromScimUser>,
  ifMatch: number | undefined,
) {
  return patchUser(ctx, principal, id, input, { ifMatch, source: 'scim', relaxRequired: true });
}

export function scimUserRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/scim/v2/Users',
      access: 'users.read',
      tag: 'scim',
      summary: 'SCIM: list users (filter, sort, index or cursor paging, attributes)',
      query: listParamsSchema,
      async handler({ query, ctx, request }) {
        return listUsersResponse(ctx, query, scimBase(request));
      },
    }),
    route({
      method: 'POST',
      url: '/scim/v2/Users/.search',
      access: 'users.read',
      tag: 'scim',
      summary: 'SCIM: search users with a SearchRequest body',
      body: searchBody,
      async handler({ body: input, ctx, request }) {
        return listUsersResponse(ctx, searchParams(input), scimBase(request));
      },
    }),
    route({
      method: 'POST',
      url: '/scim/v2/Users',
      access: 'users.create',
      tag: 'scim',
      summary: 'SCIM: create a user',
      status: 201,
      body,
      async handler({ body: input, principal, ctx, request, reply }) {
        const sc = await scimContext(ctx);
        const write = fromScimUser(input, sc.fields, scimUrns);
        if (!write.username) throw new ApiError(400, 'invalidValue', '"userName" is required', { scimType: 'invalidValue' });
        const user = await createUser(ctx, principal!, write, 'scim', { relaxRequired: true });
        const resource = await scimUser(ctx, user.id, scimBase(request));
        reply
          .code(201)
          .header('etag', etagOf(user.version))
          .header('location', `${scimBase(request)}/Users/${user.id}`);
        return resource;
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/Users/:id',
      access: 'users.read',
      tag: 'scim',
      summary: 'SCIM: get a user',
      params: idParams,
      query: listParamsSchema.pick({ attributes: true, excludedAttributes: true }),
      async handler({ params, query, ctx, request, reply }) {
        const resource = await scimUser(ctx, params.id, scimBase(request));
        const version = Number(/"(\d+)"/.exec(String((resource.meta as Json).version))![1]);
        if (notModified(request, reply, version)) return reply;
        return project(
          resource,
          parseAttributeList(query.attributes, scimUrns),
          parseAttributeList(query.excludedAttributes, scimUrns),
          userSchema,
        );
      },
    }),
    route({
      method: 'PUT',
      url: '/scim/v2/Users/:id',
      access: 'users.update',
      tag: 'scim',
      summary: 'SCIM: replace a user',
      params: idParams,
      body,
      async handler({ params, body: input, principal, ctx, request, reply }) {
        await scimUser(ctx, params.id, scimBase(request));
        const sc = await scimContext(ctx);
        const write = fromScimUser(input, sc.fields, scimUrns);
        if (!write.username) throw new ApiError(400, 'invalidValue', '"userName" is required', { scimType: 'invalidValue' });
        const user = await writeUser(ctx, principal!, params.id, write, ifMatchVersion(request));
        reply.header('etag', etagOf(user.version));
        return scimUser(ctx, params.id, scimBase(request));
      },
    }),
    route({
      method: 'PATCH',
      url: '/scim/v2/Users/:id',
      access: 'users.update',
      tag: 'scim',
      summary: 'SCIM: change a user with PatchOp operations (atomic)',
      params: idParams,
      body,
      async handler({ params, body: input, principal, ctx, request, reply }) {
        const base = scimBase(request);
        const current = await scimUser(ctx, params.id, base);
        const schemas = input.schemas ?? input.Schemas;
        if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(patchSchema)))
          throw invalidValue(`a PATCH request lists the schema ${patchSchema}`);
        const ops = input.Operations ?? input.operations;
        if (!Array.isArray(ops) || ops.length === 0) throw invalidValue('"Operations" must be a non-empty list');
        if (ops.length > 1000) throw invalidValue('at most 1,000 operations a request');
        if (!ops.every(isObject)) throw invalidValue('every operation must be an object');
        const sc = await scimContext(ctx);
        const patched = applyPatch(current, ops as never, sc.users, sc.limits);
        const write = fromScimUser(patched, sc.fields, scimUrns);
        if (!write.username) throw new ApiError(400, 'invalidValue', '"userName" cannot be removed', { scimType: 'mutability' });
        const version = Number(/"(\d+)"/.exec(String((current.meta as Json).version))![1]);
        const ifMatch = ifMatchVersion(request, version);
        if (ifMatch !== undefined && ifMatch !== version)
          throw new ApiError(412, 'preconditionFailed', 'the resource changed since you read it (If-Match does not match)');
        const user = await writeUser(ctx, principal!, params.id, write, version);
        reply.header('etag', etagOf(user.version));
        return scimUser(ctx, params.id, base);
      },
    }),
    route({
      method: 'DELETE',
      url: '/scim/v2/Users/:id',
      access: 'users.delete',
      tag: 'scim',
      summary: 'SCIM: delete a user (to the trash)',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx, request }) {
        await trashUser(ctx, principal!, params.id, { ifMatch: ifMatchVersion(request) });
        return undefined;
      },
    }),
  ];
}
