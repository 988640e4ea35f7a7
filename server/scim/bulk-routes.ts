import { z } from 'zod';
import { ApiError } from '../errors';
import { route, type AnyRoute } from '../http/route';
import { scimBase } from './context';
import { listGroupsResponse } from './groups-routes';
import { bulkRequestSchema, bulkResponseSchema, listSchema } from './schemas';
import { listUsersResponse, searchBody, searchParams } from './users-routes';
import { invalidValue, isObject, type Json } from './values';

const operationSchema = z
  .object({
    method: z.string(),
    bulkId: z.string().max(200).optional(),
    version: z.string().max(100).optional(),
    path: z.string().max(1000),
    data: z.unknown().optional(),
  })
  .passthrough();

/** Replaces `bulkId:<id>` references by the ids created earlier; returns the names still unknown. */
function resolveRefs(value: unknown, ids: Map<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    const m = /^bulkId:(.+)$/.exec(value);
    if (!m) return value;
    const id = ids.get(m[1]!);
    if (id === undefined) missing.add(m[1]!);
    return id ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, ids, missing));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, ids, missing)]));
  return value;
}

/**
 * SCIM /Bulk (RFC 7644 §3.7): each operation goes through the same routes (and permission checks)
 * as a single request. `bulkId:` references resolve in any order; circular or dangling ones fail
 * with 409. `failOnErrors` stops after that many errors.
 */
export function scimBulkRoutes(): AnyRoute[] {
  return [
    route({
      method: 'POST',
      url: '/scim/v2/Bulk',
      access: 'authenticated',
      tag: 'scim',
      summary: 'SCIM: several operations in one request, with bulkId references',
      // The size ServiceProviderConfig advertises (bulk.maxPayloadSize); beyond it, 413.
      bodyLimit: (limits) => limits.bulkMaxPayload,
      body: z.record(z.string(), z.unknown()),
      async handler({ body, ctx, request }) {
        const schemas = body.schemas;
        if (!Array.isArray(schemas) || !schemas.includes(bulkRequestSchema))
          throw invalidValue(`a bulk request lists the schema ${bulkRequestSchema}`);
        const raw = body.Operations ?? body.operations;
        if (!Array.isArray(raw)) throw invalidValue('"Operations" must be a list');
        if (raw.length > ctx.limits.bulkMaxOperations)
          throw new ApiError(413, 'tooLarge', `at most ${ctx.limits.bulkMaxOperations} operations a bulk request`, {
            scimType: 'tooMany',
          });
        const failOnErrors = body.failOnErrors === undefined ? Infinity : Number(body.failOnErrors);
        if (!Number.isInteger(failOnErrors) && failOnErrors !== Infinity) throw invalidValue('"failOnErrors" must be an integer');
        const ops = raw.map((op, i) => {
          const parsed = operationSchema.safeParse(op);
          if (!parsed.success) throw invalidValue(`operation ${i + 1} needs "method" and "path"`);
          return parsed.data;
        });
        const bulkIds = new Set<string>();
        for (const op of ops) {
          if (op.bulkId !== undefined) {
            if (bulkIds.has(op.bulkId)) throw invalidValue(`the bulkId "${op.bulkId}" appears twice`);
            bulkIds.add(op.bulkId);
          }
          if (op.method.toUpperCase() === 'POST' && op.bulkId === undefined)
            throw invalidValue('a POST operation needs a bulkId');
        }
        const ids = new Map<string, string>();
        const results = new Map<number, Json>();
        let errors = 0;
        let pending = ops.map((_, i) => i);
        const base = scimBase(request);
        while (pending.length && errors < failOnErrors) {
          const waiting: number[] = [];
          for (const i of pending) {
            if (errors >= failOnErrors) break;
            const op = ops[i]!;
            const missing = new Set<string>();
            const path = op.path.replace(/bulkId:([^/?#]+)/g, (whole, ref: string) => {
              const id = ids.get(ref);
              if (id === undefined) missing.add(ref);
              return id ?? whole;
            });
            const data = resolveRefs(op.data, ids, missing);
            if ([...missing].some((m) => bulkIds.has(m) && !results.has(ops.findIndex((o) => o.bulkId === m)))) {
              waiting.push(i);
              continue;
            }
            const method = op.method.toUpperCase();
            let response: Json;
            if (
              missing.size ||
              !['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ||
              !/^\/(Users|Groups)(\/[^/?#]+)?$/.test(path)
            ) {
              const detail = missing.size ? `unknown bulkId "${[...missing][0]}"` : `unsupported operation ${method} ${path}`;
              response = {
                method,
                ...(op.bulkId ? { bulkId: op.bulkId } : {}),
                status: missing.size ? '409' : '400',
                response: {
                  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
                  status: missing.size ? '409' : '400',
                  ...(missing.size ? {} : { scimType: 'invalidSyntax' }),
                  detail,
                },
              };
            } else {
              const res = await request.server.inject({
                method: method as 'POST',
                url: `/scim/v2${path}`,
                headers: {
                  ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
                  'content-type': 'application/scim+json',
                  ...(op.version ? { 'if-match': op.version } : {}),
                  host: request.headers.host ?? 'localhost',
                },
                payload: data === undefined ? undefined : JSON.stringify(data),
              });
              const json = res.body ? (JSON.parse(res.body) as Json) : undefined;
              const ok = res.statusCode < 400;
              if (ok && method === 'POST' && op.bulkId && json && typeof json.id === 'string') ids.set(op.bulkId, json.id);
              const location =
                ok && json && isObject(json.meta) ? json.meta.location : method !== 'POST' && ok ? `${base}${path}` : undefined;
              response = {
                method,
                ...(op.bulkId ? { bulkId: op.bulkId } : {}),
                ...(ok && res.headers.etag ? { version: res.headers.etag } : {}),
                ...(location ? { location } : {}),
                status: String(res.statusCode),
                ...(!ok && json ? { response: json } : {}),
              };
            }
            results.set(i, response);
            if (Number(response.status) >= 400) errors++;
          }
          if (waiting.length === pending.length) {
            // Nothing moved: the remaining references are circular.
            for (const i of waiting) {
              const op = ops[i]!;
              results.set(i, {
                method: op.method.toUpperCase(),
                ...(op.bulkId ? { bulkId: op.bulkId } : {}),
                status: '409',
                response: {
                  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
                  status: '409',
                  detail: 'circular bulkId references',
                },
              });
              errors++;
            }
            break;
          }
          pending = waiting;
        }
        return {
          schemas: [bulkResponseSchema],
          Operations: [...results.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
        };
      },
    }),
    route({
      method: 'POST',
      url: '/scim/v2/.search',
      access: 'users.read',
      tag: 'scim',
      summary: 'SCIM: search every resource type (users, then groups)',
      body: searchBody,
      async handler({ body, ctx, request, principal }) {
        const params = searchParams(body);
        const base = scimBase(request);
        const startIndex = Math.max(params.startIndex ?? 1, 1);
        const count = Math.min(Math.max(params.count ?? 100, 0), ctx.limits.scimCountMax);
        if (params.cursor !== undefined) throw invalidValue('cursor paging is offered per resource type (/Users, /Groups)');
        const users = await listUsersResponse(ctx, { ...params, startIndex, count }, base);
        const canGroups = principal!.permissions.has('groups.read');
        const groupStart = Math.max(startIndex - users.totalResults, 1);
        const groupCount = Math.max(count - users.Resources.length, 0);
        const groups = canGroups
          ? await listGroupsResponse(
              ctx,
              { ...params, startIndex: groupStart, count: groupCount, filter: params.filter },
              base,
            ).catch((error: unknown) => {
              // A filter on user attributes does not apply to groups: they simply do not match.
              if (error instanceof ApiError && error.code === 'invalidFilter')
                return { totalResults: 0, Resources: [] as Json[] };
              throw error;
            })
          : { totalResults: 0, Resources: [] as Json[] };
        const resources = [...users.Resources, ...groups.Resources];
        return {
          schemas: [listSchema],
          totalResults: users.totalResults + groups.totalResults,
          itemsPerPage: resources.length,
          startIndex,
          Resources: resources,
        };
      },
    }),
  ];
}
