import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';
import { PortalBrowser, textOf } from '../../tests/helpers/portal-browser';

describeBackends('impersonation', (backend) => {
  let dir: TestDirectory;
  const clock = new TestClock('2025-08-01T09:00:00Z');
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const impersonate = (token: string, userId: string, body: unknown) =>
    request(`${dir.url}/api/v1/users/${userId}/impersonate`, 'POST', body, { authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { clock });
    const user = async (username: string, roles: string[]) => {
      const res = await dir.call('POST', '/api/v1/users', {
        username,
        email: `${username}@example.org`,
        firstName: username === 'ann' ? 'Ann' : 'Boss',
        lastName: 'Lee',
        password: `${username}-password-1`,
        roles,
      });
      expect(res.status, res.text).toBe(201);
      ids[username] = res.body.id;
    };
    await user('ann', ['end_user']);
    await user('boss', ['administrator']);
    await user('helper', ['end_user']);
    // A support role: may impersonate, but holds far fewer rights than an administrator.
    expect(
      (
        await dir.call('POST', '/api/v1/roles', {
          key: 'support',
          name: 'Support',
          permissions: ['users.read', 'users.impersonate'],
        })
      ).status,
    ).toBe(201);
    for (const role of ['support', 'user_group_admin'])
      tokens[role] = (await dir.call('POST', '/api/v1/tokens', { name: role, role })).body.token;
  });
  afterAll(() => dir?.close());

  it('needs its own permission and a reason', async () => {
    const denied = await impersonate(tokens.user_group_admin!, ids.ann!, { reason: 'checking' });
    expect(denied.status).toBe(403);
    expect(denied.body.permission).toBe('users.impersonate');
    const noReason = await dir.call('POST', `/api/v1/users/${ids.ann}/impersonate`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
  });

  it('refuses to let a lower-privileged administrator impersonate a more privileged user', async () => {
    const refused = await impersonate(tokens.support!, ids.boss!, { reason: 'support ticket 42' });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe('nobody can impersonate a user with more privileges than their own');
    const allowed = await impersonate(tokens.support!, ids.ann!, { reason: 'support ticket 42' });
    expect(allowed.status, allowed.text).toBe(200);
  });

  it('signs in as the user once, with the bar on every page and nothing changeable, then exits; all logged', async () => {
    const start = await dir.call('POST', `/api/v1/users/${ids.ann}/impersonate`, { reason: 'cannot see her forms' });
    expect(start.status, start.text).toBe(200);
    expect(start.body.expiresAt).toBe('2025-08-01T09:02:00.000Z');
    expect(start.body.url).toMatch(new RegExp(`^${dir.url}/portal/impersonate\\?token=udm_`));
    const admin = new PortalBrowser(dir.url);
    const confirm = await admin.get(start.body.url);
    expect(textOf(confirm.html)).toContain('You are about to see the portal as Ann Lee. Everything you do is logged.');
    const inside = await admin.submit('/portal/impersonate');
    expect(inside.url).toContain('/portal/account');
    for (const path of ['/portal/account', '/portal/sessions', '/portal/forms']) {
      const page = await admin.get(path);
      expect(textOf(page.html), path).toContain('You are impersonating Ann Lee — Exit');
    }
    await admin.get('/portal/change-password');
    const change = await admin.submit('/portal/change-password', {
      currentPassword: 'x',
      newPassword: 'hijack-pass-1',
      confirmPassword: 'hijack-pass-1',
    });
    expect(change.status).toBe(403);
    expect(textOf(change.html)).toContain('you can look but not change anything');

    const sessions = (await dir.call('GET', `/api/v1/users/${ids.ann}/sessions`)).body.items;
    expect(sessions).toEqual([expect.objectContaining({ kind: 'impersonation', active: true })]);
    expect((await dir.call('GET', `/api/v1/users/${ids.ann}`)).body.loginCount).toBe(0);

    const reused = await new PortalBrowser(dir.url).get(start.body.url);
    expect(reused.status).toBe(410);
    await admin.get('/portal/account');
    const exit = await admin.submit('/portal/impersonation/exit');
    expect(textOf(exit.html)).toContain('The impersonation has ended.');
    expect((await admin.get('/portal/account')).url).toContain('/portal/sign-in');

    const log = (await dir.call('GET', `/api/v1/users/${ids.ann}/activity?type=impersonation`)).body.items;
    expect(log.map((e: { action: string }) => e.action)).toEqual([
      'impersonation.ended',
      'impersonation.started',
      'impersonation.requested',
      'impersonation.requested',
    ]);
    expect(log[1].data.reason).toBe('cannot see her forms');
    expect(log[1].actor).toMatchObject({ type: 'token', name: 'bootstrap' });
  });

  it('expires unused links within minutes, and impersonation sessions within half an hour', async () => {
    const stale = (await dir.call('POST', `/api/v1/users/${ids.helper}/impersonate`, { reason: 'later' })).body.url;
    clock.advance(3 * 60_000);
    expect((await new PortalBrowser(dir.url).get(stale)).status).toBe(410);

    const fresh = (await dir.call('POST', `/api/v1/users/${ids.helper}/impersonate`, { reason: 'long look' })).body.url;
    const admin = new PortalBrowser(dir.url);
    await admin.get(fresh);
    expect((await admin.submit('/portal/impersonate')).url).toContain('/portal/account');
    clock.advance(31 * 60_000);
    expect((await admin.get('/portal/account')).url).toContain('/portal/sign-in');
    expect((await dir.call('POST', '/api/v1/sweeps', {})).body.impersonationsEnded).toBe(1);
    const ended = (await dir.call('GET', `/api/v1/users/${ids.helper}/activity?type=impersonation.ended`)).body.items;
    expect(ended[0].data).toMatchObject({ expired: true });
  });
});
