import type { ConnectionManager } from '../connections/manager';
import type { HandlersOf } from '../ipc/handlers';
import { withDirectory } from '../users/handlers';

/** The trash: deleted users, restorable until purged (DESIGN.md §5). Purging is a confirmed job. */
export function trashHandlers(deps: { connections: ConnectionManager }): HandlersOf<'trash'> {
  const { connections } = deps;
  return {
    'trash/list': ({ page, pageSize, q }) =>
      withDirectory(connections, 'trash', (api) => api.trash({ page, pageSize, q: q || undefined })),
    'trash/restore': ({ id }) => withDirectory(connections, 'trash', (api) => api.action(id, 'restore')),
    'trash/purge': ({ ids }) => withDirectory(connections, 'trash', (api) => api.purge([...new Set(ids)])),
  };
}
