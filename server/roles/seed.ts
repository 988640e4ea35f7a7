import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { builtinRoles } from './builtin';

/** Creates the built-in roles and keeps their permission sets exactly as the code defines them. */
export async function ensureBuiltinRoles(db: Kysely<Database>, clock: Clock): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = clock.now().toISOString();
    const existing = await trx.selectFrom('roles').select(['id', 'key']).where('builtin', '=', 1).execute();
    for (const role of builtinRoles) {
      let id = existing.find((r) => r.key === role.key)?.id;
      if (!id) {
        id = randomUUID();
        await trx
          .insertInto('roles')
          .values({
            id,
            key: role.key,
            name: role.name,
            description: role.description,
            builtin: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const stored = (await trx.selectFrom('role_permissions').select('permission').where('role_id', '=', id).execute()).map(
        (r) => r.permission,
      );
      const wanted: readonly string[] = role.permissions;
      const extra = stored.filter((p) => !wanted.includes(p));
      const missing = wanted.filter((p) => !stored.includes(p));
      if (extra.length)
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).where('permission', 'in', extra).execute();
      if (missing.length)
        await trx
          .insertInto('role_permissions')
          .values(missing.map((permission) => ({ role_id: id, permission })))
          .execute();
    }
  });
}
