import { z } from 'zod';
import type { OutboxPage } from '../../common/api/admin';
import { route, type AnyRoute } from '../http/route';
import { listOutbox } from './outbox';

/**
 * `GET /api/v1/outbox`: the mails the server queued, newest first. Without SMTP they stay here
 * (`held`) and the Local directory shows them as a mailbox.
 */
export function outboxRoutes(): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/v1/outbox',
      access: 'outbox.read',
      tag: 'outbox',
      summary: 'Queued, held, sent and failed mails, newest first',
      query: z.object({
        status: z.enum(['queued', 'sending', 'sent', 'failed', 'held']).optional(),
        userId: z.string().min(1).max(100).optional(),
        page: z.coerce.number().int().min(1).default(1),
        pageSize: z.coerce.number().int().min(1).max(500).default(30),
      }),
      async handler({ query, ctx }): Promise<OutboxPage> {
        return listOutbox(ctx.db.kysely, query);
      },
    }),
  ];
}
