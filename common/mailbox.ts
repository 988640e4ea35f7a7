import type { OutboxMessage } from './api/admin';

/** A page of the Local directory's outbox; `available` is false where the server has no outbox. */
export interface MailboxPage {
  available: boolean;
  items: OutboxMessage[];
  total: number;
  page: number;
  pageSize: number;
}
