import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';
import { PortalBrowser, linkIn, textOf } from '../../tests/helpers/portal-browser';
import { startSmtpSink, type SmtpSink } from '../../tests/helpers/smtp-sink';
import { backoffMs } from './delivery';

describeBackends('invitations, welcome mails and the outbox', (backend) => {
  let dir: TestDirectory;
  let sink: SmtpSink;
  const clock = new TestClock('2025-03-01T09:00:00Z');
  let seq = 0;
  const create = async (fields: Record<string, unknown>, query = '') => {
    const name = `u${++seq}${String(fields.username ?? '')}`;
    const res = await dir.call('POST', `/api/v1/users${query}`, {
      username: name,
      email: `${name}@example.org`,
      firstName: 'Ann',
      lastName: 'Lee',
      ...fields,
      ...(fields.username ? { username: fields.username } : {}),
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; username: string; email: string };
  };
  const outboxOf = async (userId: string) => (await dir.call('GET', `/api/v1/outbox?userId=${userId}`)).body;

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await dir?.close();
    await sink?.close();
  });

  it('keeps mails in the outbox, held, while no SMTP server is configured', async () => {
    const ada = await create({ username: 'ada', roles: ['end_user'] });
    const invited = await dir.call('POST', `/api/v1/users/${ada.id}/invite`, {});
    expect(invited.status, invited.text).toBe(200);
    const page = await dir.call('GET', '/api/v1/outbox?page=1&pageSize=10');
    expect(page.body).toMatchObject({ page: 1, pageSize: 10 });
    const mail = page.body.items.find((m: { to: string }) => m.to === ada.email);
    expect(mail).toMatchObject({ status: 'held', kind: 'invitation', sentAt: null });
    expect(mail.subject).toContain('choose your password');
    expect(mail.text).toContain(`${dir.url}/portal/invitation?token=`);
    expect(mail.html).toContain('<a href="');
    expect(typeof mail.createdAt).toBe('string');
    expect(page.body.total).toBeGreaterThanOrEqual(1);
  });

  it('configures SMTP (the password never shown) and refuses bad settings naming the field', async () => {
    const bad = await dir.call('PATCH', '/api/v1/settings', { mail: { port: 70000 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('mail.port');
    const res = await dir.call('PATCH', '/api/v1/settings', {
      mail: {
        host: '127.0.0.1',
        port: sink.port,
        security: 'none',
        user: null,
        password: 's3cret-smtp',
        from: 'Directory <dir@example.org>',
      },
      publicUrl: dir.url,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.mail).toMatchObject({ host: '127.0.0.1', port: sink.port, hasPassword: true });
    expect(JSON.stringify(res.body)).not.toContain('s3cret-smtp');
    expect(JSON.stringify((await dir.call('GET', '/api/v1/activity?type=settings')).body)).not.toContain('s3cret-smtp');
  });

  it('mails an invitation whose link sets the password once, signs the user in and marks them joined', async () => {
    const ivy = await create({ username: 'ivy', language: 'fr', roles: ['end_user'] });
    expect((await outboxOf(ivy.id)).total).toBe(0); // passwordless, not an administrator: no welcome
    const invited = await dir.call('POST', `/api/v1/users/${ivy.id}/invite`, {});
    expect(invited.body).toMatchObject({ enrollment: 'sent', invitationResends: 0, sentTo: ivy.email });
    expect(invited.body.expiresAt).toBe('2025-03-02T09:00:00.000Z');
    const mail = await sink.waitFor((m) => m.to.includes(ivy.email));
    expect(mail.subject).toBe('Votre compte Userdeck est prêt : choisissez votre mot de passe');
    expect(mail.from).toBe('dir@example.org');
    const link = linkIn(mail.text, `${dir.url}/portal/invitation?token=`);

    const browser = new PortalBrowser(dir.url);
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain(`Choose the password of your account ${ivy.username}`);
    const mismatch = await browser.submit('/portal/invitation', {
      newPassword: 'long-enough-1',
      confirmPassword: 'other-one-22',
    });
    expect(mismatch.status).toBe(400);
    expect(textOf(mismatch.html)).toContain('The two passwords differ.');
    const short = await browser.submit('/portal/invitation', { newPassword: 'short', confirmPassword: 'short' });
    expect(short.status).toBe(400);
    expect(textOf(short.html)).toContain('Use at least 8 characters.');
    const done = await browser.submit('/portal/invitation', { newPassword: 'ivy-password-1', confirmPassword: 'ivy-password-1' });
    expect(done.status).toBe(200);
    expect(done.url).toContain('/portal/account');
    // Signed in, the portal speaks the user's language.
    expect(textOf(done.html)).toContain('Votre mot de passe est enregistré. Bienvenue !');
    expect(done.html).toContain('<html lang="fr">');

    const user = (await dir.call('GET', `/api/v1/users/${ivy.id}`)).body;
    expect(user).toMatchObject({ enrollment: 'accepted', emailVerified: true, loginCount: 1 });
    const again = await new PortalBrowser(dir.url).get(link);
    expect(again.status).toBe(410);
    expect(textOf(again.html)).toContain('This link was already used.');
    expect((await dir.call('POST', `/api/v1/users/${ivy.id}/invite`, {})).body.code).toBe('alreadyJoined');

    // Once delivered, the stored copy no longer holds the working link.
    const stored = (await outboxOf(ivy.id)).items[0];
    expect(stored.status).toBe('sent');
    expect(stored.text).not.toContain('token=');
    const signIn = await new PortalBrowser(dir.url).get('/portal/sign-in');
    expect(signIn.status).toBe(200);
  });

  it('expires an invitation link after 24 hours; a resend counts and only the newest link works', async () => {
    const max = await create({ username: 'max', roles: ['end_user'] });
    await dir.call('POST', `/api/v1/users/${max.id}/invite`, {});
    const first = linkIn((await sink.waitFor((m) => m.to.includes(max.email))).text, `${dir.url}/portal/invitation?token=`);
    const browser = new PortalBrowser(dir.url);
    const opened = await browser.get(first);
    expect(opened.status, textOf(opened.html)).toBe(200);
    clock.advance(24 * 3600_000 + 60_000);
    expect(textOf((await new PortalBrowser(dir.url).get(first)).html)).toContain('This link has expired.');
    const late = await browser.submit('/portal/invitation', { newPassword: 'max-password-1', confirmPassword: 'max-password-1' });
    expect(late.status).toBe(410);

    const sweep = await dir.call('POST', '/api/v1/sweeps', {});
    expect(sweep.body.invitationsExpired).toBeGreaterThanOrEqual(1);
    expect((await dir.call('GET', `/api/v1/users/${max.id}`)).body.enrollment).toBe('expired');

    const resent = await dir.call('POST', `/api/v1/users/${max.id}/invite`, {});
    expect(resent.body).toMatchObject({ enrollment: 'sent', invitationResends: 1 });
    const second = linkIn(
      (await sink.waitFor((m) => m.to.includes(max.email) && !m.text.includes(first))).text,
      `${dir.url}/portal/invitation?token=`,
    );
    const again = await dir.call('POST', `/api/v1/users/${max.id}/invite`, {});
    expect(again.body.invitationResends).toBe(2);
    expect((await new PortalBrowser(dir.url).get(second)).status).toBe(410);
    const third = linkIn(
      (await sink.waitFor((m) => m.to.includes(max.email) && !m.text.includes(first) && !m.text.includes(second))).text,
      `${dir.url}/portal/invitation?token=`,
    );
    expect((await new PortalBrowser(dir.url).get(third)).status).toBe(200);
  });

  it('follows the welcome rules: administrators on creation, others with a password, a new administrator once', async () => {
    const admin = await create({ username: 'boss', roles: ['administrator'] });
    expect((await sink.waitFor((m) => m.to.includes(admin.email))).text).toContain('/portal/invitation?token=');
    const withPassword = await create({ username: 'pat', password: 'pat-password-1', language: 'es' });
    const welcome = await sink.waitFor((m) => m.to.includes(withPassword.email));
    expect(welcome.subject).toBe('Te damos la bienvenida a Userdeck');
    expect(welcome.text).toContain(`${dir.url}/portal/sign-in`);
    const quiet = await create({ username: 'quiet', roles: ['end_user'] });
    expect((await outboxOf(quiet.id)).total).toBe(0);

    const promoted = await dir.call('PATCH', `/api/v1/users/${quiet.id}`, { roles: ['administrator'] });
    expect(promoted.status, promoted.text).toBe(200);
    await sink.waitFor((m) => m.to.includes(quiet.email));
    await dir.call('PATCH', `/api/v1/users/${quiet.id}`, { roles: ['end_user'] });
    await dir.call('PATCH', `/api/v1/users/${quiet.id}`, { roles: ['administrator'] });
    expect((await outboxOf(quiet.id)).total).toBe(1);

    // SCIM may provision a user with no email at all: nobody can invite them.
    const scim = await dir.call('POST', '/scim/v2/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'nomail',
    });
    expect(scim.status, scim.text).toBe(201);
    const noMail = (await dir.call('GET', `/api/v1/users/${scim.body.id}`)).body;
    expect(noMail.enrollment).toBe('not_possible');
    expect((await dir.call('POST', `/api/v1/users/${noMail.id}/invite`, {})).body.code).toBe('noEmail');

    await dir.call('PATCH', '/api/v1/settings', { policies: { welcomeBeforeFirstSignIn: false } });
    const silent = await create({ username: 'silent', password: 'silent-password-1' });
    expect((await outboxOf(silent.id)).total).toBe(0);
    await dir.call('PATCH', '/api/v1/settings', { policies: { welcomeBeforeFirstSignIn: true } });
  });

  it('keeps a mail the SMTP server refuses queued, with the reason, and retries it after the back-off of the clock', async () => {
    let refusing = true;
    const busy = await startSmtpSink({ refuse: (address) => refusing && address.includes('busy') });
    try {
      await dir.call('PATCH', '/api/v1/settings', { mail: { port: busy.port } });
      const user = await create({ username: 'busy', roles: ['end_user'] });
      await dir.call('POST', `/api/v1/users/${user.id}/invite`, {});
      await expect.poll(async () => (await outboxOf(user.id)).items[0]?.error ?? null, { timeout: 10_000 }).toMatch(/450/);
      expect((await outboxOf(user.id)).items[0].status).toBe('queued');
      expect(busy.mails).toEqual([]);

      // The back-off runs on the server's clock, not the wall clock: once the injected clock has
      // passed it, the next delivery pass (woken by another mail) sends the refused one, long
      // before the 10 s the wall clock would need.
      refusing = false;
      clock.advance(backoffMs(1) + 1_000);
      const other = await create({ username: 'other', roles: ['end_user'] });
      await dir.call('POST', `/api/v1/users/${other.id}/invite`, {});
      await busy.waitFor((m) => m.to.includes(other.email));
      await expect.poll(async () => (await outboxOf(user.id)).items[0]?.status, { timeout: 5_000 }).toBe('sent');
      expect(busy.mails.filter((m) => m.to.includes(user.email))).toHaveLength(1);
    } finally {
      await dir.call('PATCH', '/api/v1/settings', { mail: { port: sink.port } });
      await busy.close();
    }
  });

  it('sends the typed password by email when asked, and keeps no copy of it once sent', async () => {
    const res = await create({ username: 'sam', password: 'Typed-Pass-42' }, '?sendPassword=true');
    const mail = await sink.waitFor((m) => m.to.includes(res.email));
    expect(mail.subject).toBe('Your Userdeck password');
    expect(mail.text).toContain('Typed-Pass-42');
    await expect.poll(async () => (await outboxOf(res.id)).items[0]?.status).toBe('sent');
    const stored = (await outboxOf(res.id)).items[0];
    expect(stored.text).not.toContain('Typed-Pass-42');
    expect(stored.html).not.toContain('Typed-Pass-42');
    expect((await outboxOf(res.id)).total).toBe(1);
  });
});
