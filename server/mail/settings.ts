import type { Kysely, Transaction } from 'kysely';
import type { MailSettings, SmtpSecurity } from '../../common/api/lifecycle';
import type { Database } from '../db/schema';
import { readSetting } from '../settings/store';

/** SMTP settings as stored (`settings.mail`); the password never leaves the server. */
export interface StoredMailSettings {
  host: string | null;
  port: number;
  security: SmtpSecurity;
  user: string | null;
  password: string | null;
  from: string;
}

export const defaultMailSettings: StoredMailSettings = {
  host: null,
  port: 587,
  security: 'starttls',
  user: null,
  password: null,
  from: 'Userdeck <no-reply@userdeck.invalid>',
};

export async function loadMailSettings(db: Kysely<Database> | Transaction<Database>): Promise<StoredMailSettings> {
  return { ...defaultMailSettings, ...((await readSetting<Partial<StoredMailSettings>>(db, 'mail')) ?? {}) };
}

/** What the admin API shows: everything but the password. */
export function publicMailSettings(s: StoredMailSettings): MailSettings {
  return { host: s.host, port: s.port, security: s.security, user: s.user, hasPassword: !!s.password, from: s.from };
}
