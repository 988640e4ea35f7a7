import { z } from 'zod';
import type { ServerContext } from '../context';
import { notFound } from '../errors';
import { etagOf, ifMatchVersion, notModified } from '../http/etag';
import { route, type AnyRoute } from '../http/route';
import { createGroup, deleteGroup, loadGroup, loadGroups, updateGroup, type Group, type GroupWrite } from '../groups/service';
import { scimBase, scimContext, scimUrns } from './context';
import { parsePatchPath, type Filter } from './filter/parse';
import { listParamsSchema, listResources, type ListParams } from './list';
import { applyPatch } from './patch';
import { parseAttributeList, project, wants } from './projection';
import { groupResource, groupSchema, listSchema, patchSchema } from './schemas';
import { searchBody, searchParams } from './users-routes';
import { asString, getCi, invalidSyntax, invalidValue, isObject, type Json } from './values';

const idParams = z.object({ id: z.string().min(1).max(200) });
const body = z.record(z.string(), z.unknown());

async function toScimGroups(ctx: ServerContext, groups: Group[], base: string, withMembers: boolean): Promise<Json[]> {
  const members = new Map<string, Json[]>();
  if (withMembers && groups.length) {
    const rows = await ctx.db.kysely
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select(['group_members.group_id', 'users.id', 'users.username', 'users.display_name'])
      .where(
        'group_members.group_id',
        'in',
        groups.map((g) => g.id),
      )
      .where('users.deleted_at', 'is', null)
      .orderBy('users.sort_name')
      .execute();
    for (const r of rows) {
      const list = members.get(r.group_id) ?? [];
      list.push({ value: r.id, display: r.display_name ?? r.username, type: 'User', $ref: `${base}/Users/${r.id}` });
      members.set(r.group_id, list);
    }
  }
  return groups.map((g) => ({
    schemas: [groupSchema],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.name,
    ...(withMembers ? { members: members.get(g.id) ?? [] } : {}),
    meta: {
      resourceType: 'Group',
      created: g.createdAt,
      lastModified: g.updatedAt,
      version: etagOf(g.version),
      location: `${base}/Groups/${g.id}`,
    },
  }));
}

function memberIds(value: unknown, path: string): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((m, i) => {
    const id = isObject(m) ? asString(getCi(m, 'value'), `${path}[${i}].value`) : null;
    if (!id) throw invalidValue(`${path}[${i}] needs a "value" with the user id`);
    return id;
  });
}

/** A SCIM Group body (POST, PUT) as a group write. */
function fromScimGroup(input: Json): GroupWrite {
  for (const key of Object.keys(input)) {
    const k = key.toLowerCase();
    if (!['schemas', 'id', 'meta', 'externalid', 'displayname', 'members'].includes(k))
      throw invalidSyntax(`unknown attribute "${key}"`);
  }
  const name = asString(getCi(input, 'displayName'), 'displayName');
  if (!name) throw invalidValue('"displayName" is required');
  return {
    name,
    externalId: asString(getCi(input, 'externalId'), 'externalId'),
    members: { set: memberIds(getCi(input, 'members'), 'members') },
  };
}

/** Members a value filter names: only `value eq "…"` (joined with or) can be resolved without loading the group. */
function filteredMembers(filter: Filter): string[] {
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.name.toLowerCase() === 'value' &&
    typeof filter.value === 'string'
  )
    return [filter.value];
  if (filter.kind === 'logical' && filter.op === 'or') return filter.items.flatMap(filteredMembers);
  throw invalidValue('a members filter may only compare "value" with eq (joined with or)');
}

async function listGroupsResponse(ctx: ServerContext, params: ListParams, base: string) {
  const sc = await scimContext(ctx);
  const page = await listResources(ctx, 'groups', params, sc.fields, scimUrns);
  const include = parseAttributeList(params.attributes, scimUrns);
  const exclude = parseAttributeList(params.excludedAttributes, scimUrns);
  const groups = await loadGroups(ctx.db.kysely, page.ids);
  const resources = (await toScimGroups(ctx, groups, base, wants('members', include, exclude))).map((r) =>
    project(r, include, exclude, groupSchema),
  );
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

async function oneGroup(ctx: ServerContext, id: string, base: string, withMembers = true): Promise<Json> {
  const group = await loadGroup(ctx.db.kysely, id);
  if (!group) throw notFound('group');
  return (await toScimGroups(ctx, [group], base, withMembers))[0]!;
}

export function scimGroupRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/scim/v2/Groups',
      access: 'groups.read',
      tag: 'scim',
      summary: 'SCIM: list groups',
      query: listParamsSchema,
      async handler({ query, ctx, request }) {
        return listGroupsResponse(ctx, query, scimBase(request));
      },
    }),
    route({
      method: 'POST',
      url: '/scim/v2/Groups/.search',
      access: 'groups.read',
      tag: 'scim',
      summary: 'SCIM: search groups with a SearchRequest body',
      body: searchBody,
      async handler({ body: input, ctx, request }) {
        return listGroupsResponse(ctx, searchParams(input), scimBase(request));
      },
    }),
    route({
      method: 'POST',
      url: '/scim/v2/Groups',
      access: 'groups.write',
      tag: 'scim',
      summary: 'SCIM: create a group',
      status: 201,
      body,
      async handler({ body: input, principal, ctx, request, reply }) {
        const write = fromScimGroup(input);
        const id = await ctx.db.kysely.transaction().execute((trx) => createGroup(trx, ctx.clock, principal!.actor, write));
        const resource = await oneGroup(ctx, id, scimBase(request));
        reply
          .code(201)
          .header('etag', (resource.meta as Json).version as string)
          .header('location', `${scimBase(request)}/Groups/${id}`);
        return resource;
      },
    }),
    route({
      method: 'GET',
      url: '/scim/v2/Groups/:id',
      access: 'groups.read',
      tag: 'scim',
      summary: 'SCIM: get a group',
      params: idParams,
      query: listParamsSchema.pick({ attributes: true, excludedAttributes: true }),
      async handler({ params, query, ctx, request, reply }) {
        const include = parseAttributeList(query.attributes, scimUrns);
        const exclude = parseAttributeList(query.excludedAttributes, scimUrns);
        const group = await loadGroup(ctx.db.kysely, params.id);
        if (!group) throw notFound('group');
        if (notModified(request, reply, group.version)) return reply;
        const [resource] = await toScimGroups(ctx, [group], scimBase(request), wants('members', include, exclude));
        return project(resource!, include, exclude, groupSchema);
      },
    }),
    route({
      method: 'PUT',
      url: '/scim/v2/Groups/:id',
      access: 'groups.write',
      tag: 'scim',
      summary: 'SCIM: replace a group',
      params: idParams,
      body,
      async handler({ params, body: input, principal, ctx, request, reply }) {
        const write = fromScimGroup(input);
        await ctx.db.kysely
          .transaction()
          .execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, write, ifMatchVersion(request)));
        const resource = await oneGroup(ctx, params.id, scimBase(request));
        reply.header('etag', (resource.meta as Json).version as string);
        return resource;
      },
    }),
    route({
      method: 'PATCH',
      url: '/scim/v2/Groups/:id',
      access: 'groups.write',
      tag: 'scim',
      summary: 'SCIM: change a group (members added or removed without reading them all)',
      params: idParams,
      body,
      async handler({ params, body: input, principal, ctx, request, reply }) {
        const base = scimBase(request);
        const schemas = input.schemas ?? input.Schemas;
        if (schemas !== undefined && (!Array.isArray(schemas) || !schemas.includes(patchSchema)))
          throw invalidValue(`a PATCH request lists the schema ${patchSchema}`);
        const ops = input.Operations ?? input.operations;
        if (!Array.isArray(ops) || ops.length === 0 || !ops.every(isObject))
          throw invalidValue('"Operations" must be a non-empty list of objects');
        const sc = await scimContext(ctx);
        const current = await oneGroup(ctx, params.id, base, false);
        const write: GroupWrite = { members: { add: [], remove: [] } };
        let replaceMembers: string[] | null = null;
        const others: Json[] = [];
        for (const raw of ops as Json[]) {
          const op = String(raw.op ?? '').toLowerCase();
          const path = typeof raw.path === 'string' ? raw.path.trim() : '';
          const isMembers =
            /^members(\[|$)/i.test(path) ||
            (!path && isObject(raw.value) && Object.keys(raw.value).some((k) => k.toLowerCase() === 'members'));
          if (!isMembers) {
            others.push(raw);
            continue;
          }
          if (!path) {
            // `replace` without a path carrying members (and maybe other attributes).
            const value = raw.value as Json;
            const membersKey = Object.keys(value).find((k) => k.toLowerCase() === 'members')!;
            const ids = memberIds(value[membersKey], 'members');
            if (op === 'add') write.members!.add!.push(...ids);
            else replaceMembers = ids;
            const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== membersKey));
            if (Object.keys(rest).length) others.push({ ...raw, value: rest });
            continue;
          }
          const parsed = parsePatchPath(path, sc.limits);
          if (parsed.sub) throw invalidValue('member sub-attributes cannot be changed');
          if (op === 'add') write.members!.add!.push(...memberIds(raw.value, 'value'));
          else if (op === 'remove') {
            if (parsed.filter) write.members!.remove!.push(...filteredMembers(parsed.filter));
            else if (raw.value !== undefined) write.members!.remove!.push(...memberIds(raw.value, 'value'));
            else replaceMembers = [];
          } else if (op === 'replace') {
            if (parsed.filter) throw invalidValue('replace members without a filter, or remove and add them');
            replaceMembers = memberIds(raw.value, 'value');
          } else throw invalidSyntax(`"op" must be add, replace or remove`);
        }
        if (others.length) {
          const patched = applyPatch(current, others as never, groupResource, sc.limits);
          write.name = asString(getCi(patched, 'displayName'), 'displayName') ?? '';
          write.externalId = asString(getCi(patched, 'externalId'), 'externalId');
        }
        if (replaceMembers)
          write.members = { set: [...replaceMembers.filter((m) => !write.members!.remove!.includes(m)), ...write.members!.add!] };
        await ctx.db.kysely
          .transaction()
          .execute((trx) => updateGroup(trx, ctx.clock, principal!.actor, params.id, write, ifMatchVersion(request)));
        const resource = await oneGroup(ctx, params.id, base);
        reply.header('etag', (resource.meta as Json).version as string);
        return resource;
      },
    }),
    route({
      method: 'DELETE',
      url: '/scim/v2/Groups/:id',
      access: 'groups.delete',
      tag: 'scim',
      summary: 'SCIM: delete a group (its memberships end; the users stay)',
      status: 204,
      params: idParams,
      async handler({ params, principal, ctx, request }) {
        await ctx.db.kysely
          .transaction()
          .execute((trx) =>
            deleteGroup(trx, ctx.clock, principal!.actor, params.id, { removeMembers: true, ifMatch: ifMatchVersion(request) }),
          );
        return undefined;
      },
    }),
  ];
}

export { listGroupsResponse };
