import { AppError } from '../../../common/errors';
import type { ConnectionManager } from '../connections/manager';
import type { HandlersOf } from '../ipc/handlers';

/** The Local directory's outbox, shown as a mailbox. A server without an outbox answers 404. */
export function mailboxHandlers(deps: { connections: ConnectionManager }): HandlersOf<'mailbox'> {
  return {
    'mailbox/list': async ({ page, pageSize }) => {
      try {
        const result = await deps.connections.use(({ admin }) => admin.outbox({ page, pageSize }));
        return { available: true, items: result.items, total: result.total, page: result.page, pageSize: result.pageSize };
      } catch (error) {
        if (error instanceof AppError && (error.code === 'notFound' || error.code === 'notSupported')) {
          return { available: false, items: [], total: 0, page, pageSize };
        }
        throw error;
      }
    },
  };
}
