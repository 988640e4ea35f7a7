import { z } from 'zod';
import { dataSources } from './user';

/**
 * The users list query of `GET /api/v1/users` (DESIGN.md §3, §4): one query parameter per filter.
 * The server parses its query string with it, the API client and the renderer's route query build
 * theirs from it. Custom fields filter as `cf.<key>=<value>`.
 */
export const userSorts = ['name', 'createdAt', 'lastLoginAt', 'loginCount', 'username', 'email'] as const;
export const userStatuses = ['active', 'inactive', 'banned', 'expired', 'trash'] as const;
export const tagModes = ['all', 'any', 'missing'] as const;
/** joined: accepted an invitation or signed in; invited: sent, never joined; notPossible: no way to invite. */
export const enrollmentFilters = ['joined', 'invited', 'notPossible', 'none'] as const;

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));
const bool = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'ISO date');

export const userListQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    sort: z.enum(userSorts).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(30),
    /** Keyset cursor; when given, `page` is ignored. */
    cursor: z.string().max(500).optional(),
    status: z.enum(userStatuses).optional(),
    verified: bool.optional(),
    role: list.optional(),
    group: list.optional(),
    segment: z.string().max(100).optional(),
    tags: list.optional(),
    tagsMode: z.enum(tagModes).default('any'),
    registeredFrom: day.optional(),
    registeredTo: day.optional(),
    lastLoginFrom: day.optional(),
    lastLoginTo: day.optional(),
    connected: z.enum(['never', 'ever']).optional(),
    enrollment: z.enum(enrollmentFilters).optional(),
    external: bool.optional(),
    source: z.enum(dataSources).optional(),
  })
  .catchall(z.string().max(200));

export type UserListQueryInput = z.input<typeof userListQuerySchema>;
export type UserListQuery = z.output<typeof userListQuerySchema>;

/** The custom field filters of a parsed query: `cf.<key>` parameters. */
export function customFieldFilters(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith('cf.') && typeof value === 'string') out[key.slice(3)] = value;
  }
  return out;
}
