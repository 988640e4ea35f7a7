import { escapeHtml, fill, type UiLanguage } from '../i18n/language';

/** What the server mails people. */
export type MailKind = 'invitation' | 'welcome' | 'password' | 'passwordReset';

interface Template {
  subject: string;
  /** Paragraphs; a paragraph that is exactly `{link}` becomes a button-like link in HTML. */
  body: string[];
}

type Templates = Record<MailKind, Template>;

const en: Templates = {
  invitation: {
    subject: 'Your {site} account is ready: choose your password',
    body: [
      'Hello {name},',
      'An account with the username {username} was created for you. Choose your password with this link; it works once, for {hours} hours:',
      '{link}',
      'If you did not expect this message, you can ignore it.',
    ],
  },
  welcome: {
    subject: 'Welcome to {site}',
    body: ['Hello {name},', 'Your account with the username {username} is ready. Sign in here:', '{link}'],
  },
  password: {
    subject: 'Your {site} password',
    body: [
      'Hello {name},',
      'An account with the username {username} was created for you. Your password is: {password}',
      'Sign in here and change it:',
      '{link}',
    ],
  },
  passwordReset: {
    subject: 'Reset your {site} password',
    body: [
      'Hello {name},',
      'Someone asked to reset the password of the account {username}. Choose a new password with this link; it works once, for {hours} hours:',
      '{link}',
      'If it was not you, ignore this message: your password stays as it is.',
    ],
  },
};

const es: Templates = {
  invitation: {
    subject: 'Tu cuenta de {site} está lista: elige tu contraseña',
    body: [
      'Hola, {name}:',
      'Se ha creado para ti una cuenta con el nombre de usuario {username}. Elige tu contraseña con este enlace; funciona una sola vez, durante {hours} horas:',
      '{link}',
      'Si no esperabas este mensaje, puedes ignorarlo.',
    ],
  },
  welcome: {
    subject: 'Te damos la bienvenida a {site}',
    body: ['Hola, {name}:', 'Tu cuenta con el nombre de usuario {username} está lista. Inicia sesión aquí:', '{link}'],
  },
  password: {
    subject: 'Tu contraseña de {site}',
    body: [
      'Hola, {name}:',
      'Se ha creado para ti una cuenta con el nombre de usuario {username}. Tu contraseña es: {password}',
      'Inicia sesión aquí y cámbiala:',
      '{link}',
    ],
  },
  passwordReset: {
    subject: 'Restablece tu contraseña de {site}',
    body: [
      'Hola, {name}:',
      'Alguien ha pedido restablecer la contraseña de la cuenta {username}. Elige una contraseña nueva con este enlace; funciona una sola vez, durante {hours} horas:',
      '{link}',
      'Si no fuiste tú, ignora este mensaje: tu contraseña no cambia.',
    ],
  },
};

const fr: Templates = {
  invitation: {
    subject: 'Votre compte {site} est prêt : choisissez votre mot de passe',
    body: [
      'Bonjour {name},',
      "Un compte avec l'identifiant {username} a été créé pour vous. Choisissez votre mot de passe avec ce lien ; il fonctionne une seule fois, pendant {hours} heures :",
      '{link}',
      'Si vous ne vous attendiez pas à ce message, ignorez-le.',
    ],
  },
  welcome: {
    subject: 'Bienvenue sur {site}',
    body: ['Bonjour {name},', "Votre compte avec l'identifiant {username} est prêt. Connectez-vous ici :", '{link}'],
  },
  password: {
    subject: 'Votre mot de passe {site}',
    body: [
      'Bonjour {name},',
      "Un compte avec l'identifiant {username} a été créé pour vous. Votre mot de passe est : {password}",
      'Connectez-vous ici et changez-le :',
      '{link}',
    ],
  },
  passwordReset: {
    subject: 'Réinitialisez votre mot de passe {site}',
    body: [
      'Bonjour {name},',
      "Quelqu'un a demandé à réinitialiser le mot de passe du compte {username}. Choisissez un nouveau mot de passe avec ce lien ; il fonctionne une seule fois, pendant {hours} heures :",
      '{link}',
      "Si ce n'était pas vous, ignorez ce message : votre mot de passe reste le même.",
    ],
  },
};

export const mailTemplates: Record<UiLanguage, Templates> = { en, es, fr };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailVars {
  name: string;
  username: string;
  link: string;
  hours?: number;
  password?: string;
  site?: string;
}

/** Renders a mail in plain text and in HTML (every value escaped). */
export function renderMail(kind: MailKind, language: UiLanguage, vars: MailVars): RenderedMail {
  const template = mailTemplates[language][kind];
  const values = { site: 'Userdeck', hours: 24, password: '', ...vars };
  const subject = fill(template.subject, values);
  const text = template.body.map((p) => fill(p, values)).join('\n\n');
  const escaped = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, escapeHtml(String(v))]));
  const html = [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    ...template.body.map((p) =>
      p === '{link}' ? `<p><a href="${escaped.link}">${escaped.link}</a></p>` : `<p>${fill(escapeHtml(p), escaped)}</p>`,
    ),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
