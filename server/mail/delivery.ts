import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import { loadMailSettings, type StoredMailSettings } from './settings';

const maxAttempts = 5;
/** A claimed mail whose sender vanished is offered again after this long. */
const leaseMs = 2 * 60_000;
const batch = 20;
/** The wait before the next attempt after a failed one: 10 s, 20 s, 40 s, 80 s. */
export const backoffMs = (attempt: number): number => 2 ** attempt * 5_000;

export interface DeliveryLogger {
  error(message: string): void;
}

/**
 * Sends queued mails over SMTP. Every instance runs one; a mail is claimed by a conditional update
 * before it is sent, so two instances never send the same one. Failed sends are retried with a
 * growing delay, then marked failed. Secrets are blanked out of delivered mails.
 */
export class MailDelivery {
  private static readonly running = new Set<MailDelivery>();

  /** Wakes every delivery of this process: mails were queued in a transaction that is ending. */
  static kickAll(): void {
    for (const d of MailDelivery.running) d.kick();
  }

  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout[] = [];
  private busy: Promise<void> | null = null;
  private again = false;
  private transport: { key: string; transporter: Transporter } | null = null;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logger: DeliveryLogger | undefined,
    private readonly pollMs: number,
  ) {}

  start(): void {
    MailDelivery.running.add(this);
    this.timer = setInterval(() => void this.run(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    MailDelivery.running.delete(this);
    if (this.timer) clearInterval(this.timer);
    for (const t of this.soon) clearTimeout(t);
    await this.busy?.catch(() => undefined);
    this.transport?.transporter.close();
  }

  /** Runs soon, and once more a little later for transactions that commit late. */
  kick(): void {
    if (this.stopped) return;
    for (const delay of [20, 300]) {
      const t = setTimeout(() => {
        this.soon = this.soon.filter((x) => x !== t);
        void this.run();
      }, delay);
      t.unref();
      this.soon.push(t);
    }
  }

  /** Delivers what is due; overlapping calls fold into one more pass. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.busy) {
      this.again = true;
      return this.busy;
    }
    this.busy = (async () => {
      do {
        this.again = false;
        try {
          await this.deliverDue();
        } catch (error) {
          this.logger?.error(`mail delivery: ${(error as Error).message}`);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private transporter(settings: StoredMailSettings): Transporter {
    const key = JSON.stringify(settings);
    if (this.transport?.key === key) return this.transport.transporter;
    this.transport?.transporter.close();
    const transporter = nodemailer.createTransport({
      host: settings.host!,
      port: settings.port,
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      logger: false,
    });
    this.transport = { key, transporter };
    return transporter;
  }

  private async deliverDue(): Promise<void> {
    const settings = await loadMailSettings(this.db);
    if (!settings.host) return;
    for (;;) {
      // The injected clock, as everywhere else: leases and back-off agree with the rows' other times.
      const nowMs = this.clock.now().getTime();
      const now = new Date(nowMs).toISOString();
      const due = await this.db
        .selectFrom('outbox')
        .select(['id', 'status', 'attempts'])
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)])]),
            eb.and([eb('status', '=', 'sending'), eb('next_attempt_at', '<=', now)]),
          ]),
        )
        .orderBy('seq')
        .limit(batch)
        .execute();
      if (due.length === 0) return;
      let claimedAny = false;
      for (const mail of due) {
        if (this.stopped) return;
        const claim = await this.db
          .updateTable('outbox')
          .set({ status: 'sending', attempts: mail.attempts + 1, next_attempt_at: new Date(nowMs + leaseMs).toISOString() })
          .where('id', '=', mail.id)
          .where('status', '=', mail.status)
          .where('attempts', '=', mail.attempts)
          .executeTakeFirst();
        if (Number(claim.numUpdatedRows) !== 1) continue;
        claimedAny = true;
        await this.send(mail.id, mail.attempts + 1, settings);
      }
      if (!claimedAny) return;
    }
  }

  private async send(id: string, attempt: number, settings: StoredMailSettings): Promise<void> {
    const mail = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!mail) return;
    try {
      await this.transporter(settings).sendMail({
        from: settings.from,
        to: mail.to_address,
        subject: mail.subject,
        text: mail.text_body,
        ...(mail.html_body ? { html: mail.html_body } : {}),
      });
    } catch (error) {
      const last = attempt >= maxAttempts;
      // SMTP answers name the problem; they never carry the message body, so no secret leaks here.
      const reason = String((error as Error).message ?? error).slice(0, 500);
      await this.db
        .updateTable('outbox')
        .set({
          status: last ? 'failed' : 'queued',
          last_error: reason,
          next_attempt_at: new Date(this.clock.now().getTime() + backoffMs(attempt)).toISOString(),
        })
        .where('id', '=', id)
        .execute();
      if (last) this.logger?.error(`mail ${id} failed after ${attempt} attempts: ${reason}`);
      return;
    }
    const secrets = mail.secrets ? (JSON.parse(mail.secrets) as string[]) : [];
    const blank = (text: string) => secrets.reduce((t, s) => t.split(s).join('[sent]'), text);
    await this.db
      .updateTable('outbox')
      .set({
        status: 'sent',
        sent_at: this.clock.now().toISOString(),
        last_error: null,
        next_attempt_at: null,
        text_body: blank(mail.text_body),
        html_body: mail.html_body ? blank(mail.html_body) : null,
        secrets: null,
      })
      .where('id', '=', id)
      .execute();
  }
}
