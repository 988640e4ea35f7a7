import type { ServerContext } from '../context';
import type { ListOptions } from '../users/list';

/** The users-list options of this server, for code that compiles a users filter outside the list. */
export const listOptions = (ctx: ServerContext): ListOptions => ({
  dialect: ctx.db.dialect,
  now: ctx.clock.now().toISOString(),
  countLimit: ctx.limits.countLimit,
  sparseLimit: ctx.limits.sparseLimit,
});
