import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { adminToken, describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';
import { PortalBrowser, linkIn, textOf } from '../../tests/helpers/portal-browser';
import { portalMessages } from './i18n';

it('has every portal text in Spanish and French', () => {
  const keys = Object.keys(portalMessages.en);
  for (const lang of ['es', 'fr'] as const) {
    expect(Object.keys(portalMessages[lang]).sort()).toEqual([...keys].sort());
    for (const key of keys)
      expect(portalMessages[lang][key as keyof typeof portalMessages.en].trim(), `${lang}.${key}`).not.toBe('');
    // Placeholders survive translation.
    for (const key of keys) {
      const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(holes(portalMessages[lang][key as keyof typeof portalMessages.en]), `${lang}.${key}`).toEqual(
        holes(portalMessages.en[key as keyof typeof portalMessages.en]),
      );
    }
  }
});

describeBackends('portal', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-04-01T08:00:00Z');
  let ann: { id: string };

  const signIn = async (username: string, password: string, agent = 'TestBrowser/1.0') => {
    const b = new PortalBrowser(dir.url, { 'user-agent': agent });
    await b.get('/portal/sign-in');
    const page = await b.submit('/portal/sign-in', { username, password });
    return { b, page };
  };

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    const res = await dir.call('POST', '/api/v1/users', {
      username: 'ann',
      email: 'ann@example.org',
      firstName: 'Ann',
      lastName: 'Lee',
      password: 'ann-password-1',
      roles: ['end_user'],
    });
    expect(res.status, res.text).toBe(201);
    ann = res.body;
  });
  afterAll(() => dir?.close());

  it('serves accessible pages with a strict CSP, no script, and secure cookies', async () => {
    const b = new PortalBrowser(dir.url);
    const page = await b.get('/portal');
    expect(page.url).toContain('/portal/sign-in');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.html).not.toMatch(/<script|\sstyle=|\son\w+="/i);
    expect(page.html).toMatch(/<main id="main"/);
    expect(page.html).toContain('<label for="username">');
    expect(page.html).toContain('<a class="skip" href="#main">');
    const csrf = (await new PortalBrowser(dir.url).get('/portal/sign-in')).setCookies.find((c) => c.startsWith('ud_csrf='))!;
    expect(csrf).toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/SameSite=Strict/i);
    expect(csrf).toMatch(/Path=\/portal/);
    const css = await request(`${dir.url}/portal/assets/portal.css`, 'GET');
    expect(css.headers.get('content-type')).toContain('text/css');
    const es = await b.get('/portal/sign-in?lang=es');
    expect(es.html).toContain('<html lang="es">');
    expect(textOf(es.html)).toContain('Iniciar sesión');
    const fr = await new PortalBrowser(dir.url, { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' }).get('/portal/sign-in');
    expect(textOf(fr.html)).toContain('Mot de passe oublié ?');
  });

  it('signs in with an HttpOnly SameSite session cookie and refuses a wrong password without saying why', async () => {
    const wrong = await signIn('ann', 'not-her-password');
    expect(wrong.page.status).toBe(401);
    expect(textOf(wrong.page.html)).toContain('Wrong username or password.');
    const unknown = await signIn('nobody', 'whatever-123');
    expect(textOf(unknown.page.html)).toContain('Wrong username or password.');
    const { b, page } = await signIn('ANN@example.org', 'ann-password-1');
    expect(page.url).toContain('/portal/account');
    expect(textOf(page.html)).toContain('Hello, Ann Lee');
    expect(b.cookies.has('ud_portal')).toBe(true);
    const user = (await dir.call('GET', `/api/v1/users/${ann.id}`)).body;
    expect(user.loginCount).toBe(1);
    const activity = (await dir.call('GET', `/api/v1/users/${ann.id}/activity?type=auth`)).body.items;
    expect(activity.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.loginFailed']));
    expect(activity.find((e: { action: string }) => e.action === 'auth.login').data).toMatchObject({
      channel: 'portal',
      device: 'TestBrowser/1.0',
    });
  });

  it('refuses a form posted without this browser’s CSRF token, or from another origin', async () => {
    const { b } = await signIn('ann', 'ann-password-1');
    await b.get('/portal/account');
    const token = b.formFields('/portal/sign-out')._csrf!;
    const forged = await b.post('/portal/sign-out', { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(textOf(forged.html)).toContain('This form has expired.');
    const stranger = new PortalBrowser(dir.url);
    await stranger.get('/portal/sign-in');
    // Another browser's token does not match this browser's cookie.
    expect((await stranger.post('/portal/sign-in', { _csrf: token, username: 'ann', password: 'ann-password-1' })).status).toBe(
      403,
    );
    await b.get('/portal/account');
    const crossSite = await b.submit('/portal/sign-out', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await b.get('/portal/account')).status).toBe(200);
  });

  it('lists my sessions with device and address, ends one or all others; the admin API sees and ends them too', async () => {
    const phone = await signIn('ann', 'ann-password-1', 'Phone/2.0');
    const laptop = await signIn('ann', 'ann-password-1', 'Laptop/3.0');
    const page = await laptop.b.get('/portal/sessions');
    const text = textOf(page.html);
    expect(text).toContain('Phone/2.0');
    expect(text).toContain('Laptop/3.0 (This session)');
    expect(text).toContain('127.0.0.1');

    const listed = (await dir.call('GET', `/api/v1/users/${ann.id}/sessions`)).body;
    const phoneSession = listed.items.find((s: { userAgent: string }) => s.userAgent === 'Phone/2.0');
    expect(phoneSession).toMatchObject({ kind: 'portal', ip: '127.0.0.1', active: true });
    expect(phoneSession.lastSeenAt).toBeTruthy();
    expect((await dir.call('DELETE', `/api/v1/users/${ann.id}/sessions/${phoneSession.id}`)).status).toBe(204);
    expect((await phone.b.get('/portal/account')).url).toContain('/portal/sign-in');

    const tablet = await signIn('ann', 'ann-password-1', 'Tablet/1.0');
    await laptop.b.get('/portal/sessions');
    const ended = await laptop.b.submit('/portal/sessions/end-others');
    expect(textOf(ended.html)).toMatch(/Your other sessions have ended \(\d+\)/);
    expect((await tablet.b.get('/portal/account')).url).toContain('/portal/sign-in');
    expect((await laptop.b.get('/portal/account')).status).toBe(200);
    const all = await dir.call('DELETE', `/api/v1/users/${ann.id}/sessions`);
    expect(all.body.ended).toBe(1);
    expect((await laptop.b.get('/portal/account')).url).toContain('/portal/sign-in');
  });

  it('ends every session when the password changes, except the one it was changed from', async () => {
    const other = await signIn('ann', 'ann-password-1', 'Other/1.0');
    const { b } = await signIn('ann', 'ann-password-1');
    await b.get('/portal/change-password');
    const wrong = await b.submit('/portal/change-password', {
      currentPassword: 'nope',
      newPassword: 'ann-password-2',
      confirmPassword: 'ann-password-2',
    });
    expect(wrong.status).toBe(400);
    expect(textOf(wrong.html)).toContain('The current password is wrong.');
    const done = await b.submit('/portal/change-password', {
      currentPassword: 'ann-password-1',
      newPassword: 'ann-password-2',
      confirmPassword: 'ann-password-2',
    });
    expect(textOf(done.html)).toContain('Your password is changed.');
    expect((await other.b.get('/portal/account')).url).toContain('/portal/sign-in');
    expect((await b.get('/portal/account')).status).toBe(200);
    expect((await signIn('ann', 'ann-password-2')).page.url).toContain('/portal/account');
    // An administrator setting a password ends them all too.
    await dir.call('PATCH', `/api/v1/users/${ann.id}`, { password: 'ann-password-3' });
    expect((await b.get('/portal/account')).url).toContain('/portal/sign-in');
  });

  it('resets a forgotten password through a mailed link, without revealing whether the account exists', async () => {
    const b = new PortalBrowser(dir.url);
    await b.get('/portal/forgot-password');
    const sent = await b.submit('/portal/forgot-password', { username: 'ann' });
    expect(textOf(sent.html)).toContain('If an account matches, we have sent it a link.');
    await b.get('/portal/forgot-password');
    const none = await b.submit('/portal/forgot-password', { username: 'nobody-here' });
    expect(textOf(none.html)).toBe(textOf(sent.html));
    const mail = (await dir.call('GET', `/api/v1/outbox?userId=${ann.id}`)).body.items.find(
      (m: { kind: string }) => m.kind === 'passwordReset',
    );
    const link = linkIn(mail.text, `${dir.url}/portal/reset-password?token=`);
    await b.get(link);
    const done = await b.submit('/portal/reset-password', { newPassword: 'ann-password-4', confirmPassword: 'ann-password-4' });
    expect(done.url).toContain('/portal/sign-in');
    expect(textOf(done.html)).toContain('Your password is changed. Sign in with it.');
    expect((await signIn('ann', 'ann-password-4')).page.url).toContain('/portal/account');
    expect((await new PortalBrowser(dir.url).get(link)).status).toBe(410);
  });

  it('forces a change of a temporary password shown once to the administrator', async () => {
    const reset = await dir.call('POST', `/api/v1/users/${ann.id}/reset-password`, { method: 'temporary' });
    expect(reset.status, reset.text).toBe(200);
    const temporary = reset.body.temporaryPassword as string;
    expect(temporary.length).toBeGreaterThanOrEqual(14);
    expect(JSON.stringify((await dir.call('GET', `/api/v1/users/${ann.id}/activity`)).body)).not.toContain(temporary);
    const api = await request(`${dir.url}/api/v1/auth/login`, 'POST', { username: 'ann', password: temporary });
    expect(api.status).toBe(403);
    expect(api.body.code).toBe('passwordChangeRequired');
    const { b, page } = await signIn('ann', temporary);
    expect(page.url).toContain('/portal/change-password');
    expect(textOf(page.html)).toContain('temporary password');
    expect((await b.get('/portal/sessions')).url).toContain('/portal/change-password');
    await b.get('/portal/change-password');
    const done = await b.submit('/portal/change-password', { newPassword: 'ann-password-5', confirmPassword: 'ann-password-5' });
    expect(done.url).toContain('/portal/account');
    expect((await b.get('/portal/sessions')).status).toBe(200);
    expect((await request(`${dir.url}/api/v1/auth/login`, 'POST', { username: 'ann', password: 'ann-password-5' })).status).toBe(
      200,
    );
  });

  it('answers a form on the portal with typed fields, checked, stored per user and exportable', async () => {
    const form = await dir.call('POST', '/api/v1/forms', {
      name: 'Onboarding',
      description: 'A few questions',
      fields: [
        { key: 'shirt', label: 'Shirt size', type: 'select', required: true, options: ['S', 'M', 'L'] },
        { key: 'age', label: 'Age', type: 'number', required: false },
        { key: 'langs', label: 'Languages', type: 'multiselect', options: ['en', 'es', 'fr'] },
        { key: 'newsletter', label: 'Newsletter', type: 'boolean' },
        { key: 'code', label: 'Code', type: 'text', pattern: '[A-Z]{3}' },
      ],
    });
    expect(form.status, form.text).toBe(201);
    const { b } = await signIn('ann', 'ann-password-5');
    expect(textOf((await b.get('/portal/forms')).html)).toContain('Onboarding — Not answered yet');
    const page = await b.get(`/portal/forms/${form.body.id}`);
    expect(page.html).toContain('<fieldset');
    expect(page.html).toContain('<legend>Languages</legend>');
    const bad = await b.submit(`/portal/forms/${form.body.id}`, { age: 'old', code: 'abc' });
    expect(bad.status).toBe(400);
    const text = textOf(bad.html);
    expect(text).toContain('Shirt size: This field is required.');
    expect(text).toContain('Age: Enter a number.');
    expect(text).toContain('Code: This value does not have the expected format.');
    expect(bad.html).toContain('aria-invalid="true"');
    const ok = await b.submit(`/portal/forms/${form.body.id}`, {
      shirt: 'M',
      age: '41',
      langs: ['en', 'fr'],
      newsletter: 'true',
      code: 'ABC',
    });
    expect(textOf(ok.html)).toContain('Your answers are saved.');
    const answers = (await dir.call('GET', `/api/v1/users/${ann.id}/form-answers`)).body;
    expect(answers.items[0]).toMatchObject({
      formName: 'Onboarding',
      answers: { shirt: 'M', age: 41, langs: ['en', 'fr'], newsletter: true, code: 'ABC' },
    });
    const csv = await request(`${dir.url}/api/v1/forms/${form.body.id}/answers.csv`, 'GET', undefined, {
      authorization: `Bearer ${adminToken}`,
    });
    expect(csv.text).toContain('userId,username,submittedAt,shirt,age,langs,newsletter,code');
    expect(csv.text).toContain(',ann,');
    expect(csv.text).toContain('M,41,en|fr,true,ABC');
  });

  it('deletes my own account only when the policy allows it', async () => {
    const created = await dir.call('POST', '/api/v1/users', {
      username: 'leaver',
      email: 'leaver@example.org',
      firstName: 'Lea',
      lastName: 'Ver',
      password: 'leaver-pass-1',
      roles: ['end_user'],
    });
    const { b } = await signIn('leaver', 'leaver-pass-1');
    expect((await b.get('/portal/delete-account')).status).toBe(403);
    await dir.call('PATCH', '/api/v1/settings', { policies: { allowSelfDelete: true } });
    expect(textOf((await b.get('/portal/account')).html)).toContain('Delete my account');
    await b.get('/portal/delete-account');
    expect((await b.submit('/portal/delete-account', { password: 'wrong' })).status).toBe(400);
    await b.get('/portal/delete-account');
    const gone = await b.submit('/portal/delete-account', { password: 'leaver-pass-1' });
    expect(textOf(gone.html)).toContain('Your account is deleted.');
    // Signed in before: the person is removed by anonymisation, the record stays.
    const user = (await dir.call('GET', `/api/v1/users/${created.body.id}`)).body;
    expect(user.anonymizedAt).not.toBeNull();
    expect(user.username).not.toBe('leaver');
    expect((await b.get('/portal/account')).url).toContain('/portal/sign-in');
    await dir.call('PATCH', '/api/v1/settings', { policies: { allowSelfDelete: false } });
  });

  it('marks its cookies Secure (with the __Secure- prefix) when the portal is served over TLS', async () => {
    await dir.call('PATCH', '/api/v1/settings', { publicUrl: 'https://directory.example.org' });
    try {
      const b = new PortalBrowser(dir.url);
      const page = await b.get('/portal/sign-in');
      const csrf = page.setCookies.find((c) => c.startsWith('__Secure-ud_csrf='))!;
      expect(csrf).toMatch(/;\s*Secure/i);
      const signedIn = await b.submit('/portal/sign-in', { username: 'ann', password: 'ann-password-5' });
      expect(signedIn.url).toContain('/portal/account');
      expect(b.cookies.has('__Secure-ud_portal')).toBe(true);
    } finally {
      await dir.call('PATCH', '/api/v1/settings', { publicUrl: null });
    }
  });

  it('signs out and logs it', async () => {
    const { b } = await signIn('ann', 'ann-password-5');
    await b.get('/portal/account');
    const out = await b.submit('/portal/sign-out');
    expect(textOf(out.html)).toContain('You are signed out.');
    expect((await b.get('/portal/account')).url).toContain('/portal/sign-in');
    const log = (await dir.call('GET', `/api/v1/users/${ann.id}/activity?type=auth.logout`)).body.items;
    expect(log.length).toBeGreaterThanOrEqual(1);
  });
});
