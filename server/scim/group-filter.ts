import { sql } from 'kysely';
import { ApiError } from '../errors';
import type { Resolver, Sql, Target } from './filter/compile';
import type { AttrPath } from './filter/parse';
import { groupSchema } from './schemas';

const unsupported = (path: AttrPath) =>
  new ApiError(400, 'invalidFilter', `filtering or sorting on "${path.name}${path.sub ? `.${path.sub}` : ''}" is not supported`, {
    scimType: 'invalidFilter',
  });

export const groupResolver: Resolver = {
  resolve(path: AttrPath, parent: AttrPath | null): Target {
    if ((path.urn ?? parent?.urn) && (path.urn ?? parent?.urn)!.toLowerCase() !== groupSchema.toLowerCase())
      throw unsupported(path);
    const outer = parent ? parent.name.toLowerCase() : path.name.toLowerCase();
    const sub = (parent ? path.name : path.sub)?.toLowerCase() ?? null;
    switch (outer) {
      case 'id':
        return { column: { kind: 'text', expr: sql`groups.id`, caseExact: true } };
      case 'externalid':
        return { column: { kind: 'text', expr: sql`groups.external_id`, caseExact: true } };
      case 'displayname':
        return { column: { kind: 'text', expr: sql`groups.name_lower`, lowered: true } };
      case 'members': {
        if (sub !== null && sub !== 'value' && sub !== 'type') break;
        const column =
          sub === 'type'
            ? ({ kind: 'const', value: 'User', presence: null } as const)
            : ({ kind: 'text', expr: sql`fm.user_id`, caseExact: true } as const);
        return parent
          ? { column }
          : { column, wrap: (cond) => sql`exists (select 1 from group_members fm where fm.group_id = groups.id and ${cond})` };
      }
      case 'meta':
        if (sub === 'created') return { column: { kind: 'date', expr: sql`groups.created_at` } };
        if (sub === 'lastmodified') return { column: { kind: 'date', expr: sql`groups.updated_at` } };
        if (sub === 'resourcetype') return { column: { kind: 'const', value: 'Group', presence: null } };
        break;
    }
    throw unsupported(path);
  },
};

export function groupSortExpression(path: AttrPath): Sql {
  const name = path.name.toLowerCase();
  const sub = path.sub?.toLowerCase();
  if (name === 'displayname') return sql`groups.name_lower`;
  if (name === 'id') return sql`groups.id`;
  if (name === 'externalid') return sql`coalesce(groups.external_id, '')`;
  if (name === 'meta' && sub === 'created') return sql`groups.created_at`;
  if (name === 'meta' && sub === 'lastmodified') return sql`groups.updated_at`;
  throw new ApiError(400, 'invalidValue', `sorting by "${path.name}" is not supported`, { scimType: 'invalidValue' });
}
