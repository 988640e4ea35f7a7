import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { OutboxMessage, OutboxPage } from '../../common/api/admin';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { OutboxTable } from '../db/schema-lifecycle';
import { uiLanguage } from '../i18n/language';
import { loadMailSettings } from './settings';
import { renderMail, type MailKind, type MailVars } from './templates';

type Executor = Kysely<Database> | Transaction<Database>;

export interface MailRequest {
  userId: string | null;
  to: string;
  kind: MailKind;
  /** The recipient's language tag; the mail is written in the nearest UI language. */
  language: string | null;
  vars: MailVars;
  /** Strings that grant access (links with tokens, passwords): blanked out once delivered. */
  secrets?: string[];
}

/**
 * Queues mails in the caller's transaction, so a rolled-back action sends nothing. With no SMTP
 * server configured they are `held`: the outbox is then the mailbox the app shows.
 */
export async function queueMails(db: Executor, clock: Clock, mails: MailRequest[]): Promise<string[]> {
  if (mails.length === 0) return [];
  const settings = await loadMailSettings(db);
  const now = clock.now().toISOString();
  const rows = mails.map((mail) => {
    const language = uiLanguage(mail.language);
    const rendered = renderMail(mail.kind, language, mail.vars);
    return {
      id: randomUUID(),
      user_id: mail.userId,
      to_address: mail.to,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      kind: mail.kind,
      language,
      status: settings.host ? ('queued' as const) : ('held' as const),
      last_error: null,
      secrets: mail.secrets?.length ? JSON.stringify(mail.secrets) : null,
      created_at: now,
      sent_at: null,
      next_attempt_at: null,
    };
  });
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('outbox')
      .values(rows.slice(i, i + 200))
      .execute();
  return rows.map((r) => r.id);
}

export function toOutboxMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    kind: row.kind,
    status: row.status === 'sending' ? 'queued' : row.status,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    error: row.last_error,
  };
}

/** The outbox, newest first, paged in SQL. */
export async function listOutbox(
  db: Executor,
  query: { page: number; pageSize: number; status?: string; userId?: string },
): Promise<OutboxPage> {
  let base = db.selectFrom('outbox');
  if (query.status) base = base.where('status', '=', query.status as OutboxTable['status']);
  if (query.userId) base = base.where('user_id', '=', query.userId);
  const rows = await base
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows.map(toOutboxMessage), total: Number(total.n), page: query.page, pageSize: query.pageSize };
}

/** Removes a person's data from the mails sent to them (anonymisation, purge). */
export async function redactOutbox(db: Executor, userIds: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < userIds.length; i += 500) {
    const ids = userIds.slice(i, i + 500);
    // What was not delivered yet never will be.
    await db
      .updateTable('outbox')
      .set({ status: 'failed', last_error: 'the recipient was anonymized or deleted' })
      .where('user_id', 'in', ids)
      .where('status', 'in', ['queued', 'held', 'sending'])
      .execute();
    const result = await db
      .updateTable('outbox')
      .set({ to_address: 'redacted', subject: '(redacted)', text_body: '', html_body: null, secrets: null })
      .where('user_id', 'in', ids)
      .executeTakeFirst();
    n += Number(result.numUpdatedRows);
  }
  return n;
}
