import { newId } from '../ids';
import { z } from 'zod';
import { appendActivity } from '../activity/log';
import { ApiError, conflict, notFound } from '../errors';
import { route, type AnyRoute } from '../http/route';
import type { ServerContext } from '../context';
import { permissions } from './permissions';

const keyParams = z.object({ key: z.string().min(1).max(100) });
const permissionList = z.array(z.enum(permissions)).max(permissions.length);
const roleBody = z
  .object({
    key: z.string().regex(/^[a-z][a-z0-9_]{1,62}$/),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    permissions: permissionList,
  })
  .strict();

async function loadRoles(ctx: ServerContext, keys?: string[]) {
  let q = ctx.db.kysely.selectFrom('roles').selectAll().orderBy('builtin', 'desc').orderBy('name');
  if (keys) q = q.where('key', 'in', keys);
  const roles = await q.execute();
  if (roles.length === 0) return [];
  const perms = await ctx.db.kysely
    .selectFrom('role_permissions')
    .select(['role_id', 'permission'])
    .where(
      'role_id',
      'in',
      roles.map((r) => r.id),
    )
    .execute();
  return roles.map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    builtin: r.builtin === 1,
    permissions: perms
      .filter((p) => p.role_id === r.id)
      .map((p) => p.permission)
      .sort(),
  }));
}

/** Roles are permission sets: built-in ones are fixed, custom ones are editable. */
export function roleRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/permissions',
      access: 'roles.read',
      tag: 'roles',
      summary: 'Every permission a role can hold',
      async handler() {
        return { items: permissions.map((key) => ({ key })) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/roles',
      access: 'roles.read',
      tag: 'roles',
      summary: 'List roles with their permissions',
      query: z.object({
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(100),
      }),
      async handler({ query, ctx }) {
        const all = await loadRoles(ctx);
        const items = all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
        return { items, total: all.length, page: query.page, pageSize: query.pageSize };
      },
    }),
    route({
      method: 'GET',
      url: '/api/v1/roles/:key',
      access: 'roles.read',
      tag: 'roles',
      summary: 'Get a role',
      params: keyParams,
      async handler({ params, ctx }) {
        const [role] = await loadRoles(ctx, [params.key]);
        if (!role) throw notFound('role');
        return role;
      },
    }),
    route({
      method: 'POST',
      url: '/api/v1/roles',
      access: 'roles.write',
      tag: 'roles',
      summary: 'Create a custom role',
      status: 201,
      body: roleBody,
      async handler({ body, principal, ctx, reply }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          if (await trx.selectFrom('roles').select('id').where('key', '=', body.key).executeTakeFirst())
            throw conflict(`the role "${body.key}" exists`, [{ field: 'key', code: 'duplicate' }]);
          const id = newId();
          const now = ctx.clock.now().toISOString();
          await trx
            .insertInto('roles')
            .values({
              id,
              key: body.key,
              name: body.name,
              description: body.description ?? null,
              builtin: 0,
              created_at: now,
              updated_at: now,
            })
            .execute();
          const perms = [...new Set(body.permissions)];
          if (perms.length)
            await trx
              .insertInto('role_permissions')
              .values(perms.map((permission) => ({ role_id: id, permission })))
              .execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'role.created',
            targetType: 'role',
            targetId: id,
            data: { permissions: perms },
          });
        });
        reply.code(201);
        return (await loadRoles(ctx, [body.key]))[0];
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/v1/roles/:key',
      access: 'roles.write',
      tag: 'roles',
      summary: 'Change a custom role (built-in roles are fixed)',
      params: keyParams,
      body: roleBody.omit({ key: true }).partial().strict(),
      async handler({ params, body, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const role = await trx.selectFrom('roles').selectAll().where('key', '=', params.key).executeTakeFirst();
          if (!role) throw notFound('role');
          if (role.builtin) throw new ApiError(409, 'builtinRole', 'built-in roles cannot be changed: create a custom role');
          await trx
            .updateTable('roles')
            .set({
              name: body.name ?? role.name,
              description: body.description === undefined ? role.description : body.description,
              updated_at: ctx.clock.now().toISOString(),
            })
            .where('id', '=', role.id)
            .execute();
          if (body.permissions) {
            await trx.deleteFrom('role_permissions').where('role_id', '=', role.id).execute();
            const perms = [...new Set(body.permissions)];
            if (perms.length)
              await trx
                .insertInto('role_permissions')
                .values(perms.map((permission) => ({ role_id: role.id, permission })))
                .execute();
          }
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'role.updated',
            targetType: 'role',
            targetId: role.id,
            data: { fields: Object.keys(body) },
          });
        });
        return (await loadRoles(ctx, [params.key]))[0];
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/v1/roles/:key',
      access: 'roles.write',
      tag: 'roles',
      summary: 'Delete a custom role (its users lose it)',
      status: 204,
      params: keyParams,
      async handler({ params, principal, ctx }) {
        await ctx.db.kysely.transaction().execute(async (trx) => {
          const role = await trx.selectFrom('roles').selectAll().where('key', '=', params.key).executeTakeFirst();
          if (!role) throw notFound('role');
          if (role.builtin) throw new ApiError(409, 'builtinRole', 'built-in roles cannot be deleted');
          if (
            await trx
              .selectFrom('api_tokens')
              .select('id')
              .where('role_id', '=', role.id)
              .where('revoked_at', 'is', null)
              .executeTakeFirst()
          )
            throw new ApiError(409, 'roleInUse', 'an API token uses this role: revoke it first');
          await trx.deleteFrom('user_roles').where('role_id', '=', role.id).execute();
          await trx.deleteFrom('role_permissions').where('role_id', '=', role.id).execute();
          await trx.deleteFrom('api_tokens').where('role_id', '=', role.id).execute();
          await trx.deleteFrom('roles').where('id', '=', role.id).execute();
          await appendActivity(trx, ctx.clock, principal!.actor, {
            action: 'role.deleted',
            targetType: 'role',
            targetId: role.id,
          });
        });
        return undefined;
      },
    }),
  ];
}
