import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('admin API: groups, tags, custom fields and roles', (backend) => {
  let dir: TestDirectory;
  const user = async (username: string, extra: Record<string, unknown> = {}) => {
    const res = await dir.call('POST', '/api/v1/users', {
      username,
      email: `${username}@example.org`,
      firstName: 'Test',
      lastName: username,
      ...extra,
    });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
  });
  afterAll(() => dir?.close());

  it('manages groups and their members; only empty groups can be deleted', async () => {
    const created = await dir.call('POST', '/api/v1/groups', { name: 'Océan', description: 'Sea team' });
    expect(created.status).toBe(201);
    expect((await dir.call('POST', '/api/v1/groups', { name: 'océan' })).status).toBe(409);
    const gid = created.body.id;
    const a = await user('g.alice', { lastName: 'Alpha' });
    const b = await user('g.bob', { lastName: 'Beta' });
    const added = await dir.call('POST', `/api/v1/groups/${gid}/members`, { userIds: [a.id, b.id] });
    expect(added.body.memberCount).toBe(2);
    expect((await dir.call('POST', `/api/v1/groups/${gid}/members`, { userIds: ['nobody'] })).status).toBe(400);
    const page1 = await dir.call('GET', `/api/v1/groups/${gid}/members?pageSize=1`);
    expect(page1.body.items.map((u: { username: string }) => u.username)).toEqual(['g.alice']);
    const page2 = await dir.call('GET', `/api/v1/groups/${gid}/members?pageSize=1&after=${page1.body.nextCursor}`);
    expect(page2.body.items.map((u: { username: string }) => u.username)).toEqual(['g.bob']);
    expect(page2.body.total).toBe(2);
    const listed = await dir.call('GET', '/api/v1/groups?q=oc');
    expect(listed.body.items.map((g: { name: string }) => g.name)).toEqual(['Océan']);
    const off = await dir.call('POST', `/api/v1/groups/${gid}/deactivate`);
    expect(off.body).toMatchObject({ active: false, memberCount: 2 });
    expect((await dir.call('GET', `/api/v1/users/${a.id}`)).body.active).toBe(true);
    const refused = await dir.call('DELETE', `/api/v1/groups/${gid}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('groupNotEmpty');
    expect((await dir.call('DELETE', `/api/v1/groups/${gid}/members/${a.id}`)).status).toBe(204);
    expect((await dir.call('DELETE', `/api/v1/groups/${gid}/members/${b.id}`)).status).toBe(204);
    const stale = await dir.call('PATCH', `/api/v1/groups/${gid}`, { name: 'Sea' }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    expect((await dir.call('DELETE', `/api/v1/groups/${gid}`)).status).toBe(204);
  });

  it('manages tags with user counts', async () => {
    const tag = await dir.call('POST', '/api/v1/tags', { name: 'Mentor', color: '#336699' });
    expect(tag.status).toBe(201);
    expect((await dir.call('POST', '/api/v1/tags', { name: 'mentor' })).status).toBe(409);
    expect((await dir.call('POST', '/api/v1/tags', { name: 'x', color: 'red' })).status).toBe(400);
    await user('t.one', { tags: ['Mentor'] });
    const listed = await dir.call('GET', '/api/v1/tags?q=men');
    expect(listed.body.items).toEqual([expect.objectContaining({ name: 'Mentor', userCount: 1, color: '#336699' })]);
    expect((await dir.call('PATCH', `/api/v1/tags/${tag.body.id}`, { name: 'Coach' })).body.name).toBe('Coach');
    expect((await dir.call('GET', '/api/v1/users?tags=coach')).body.total).toBe(1);
    expect((await dir.call('DELETE', `/api/v1/tags/${tag.body.id}`)).status).toBe(204);
    expect((await dir.call('GET', '/api/v1/users?q=t.one')).body.items[0].tags).toEqual([]);
  });

  it('defines typed custom fields and validates user values against them', async () => {
    const defs = [
      { key: 'badge_no', label: 'Badge', type: 'text', pattern: '[A-Z]{2}\\d{4}', required: false },
      { key: 'level', label: 'Level', type: 'number' },
      { key: 'hired', label: 'Hired', type: 'date' },
      { key: 'remote', label: 'Remote', type: 'boolean' },
      { key: 'site', label: 'Site', type: 'select', options: ['Paris', 'Lima'] },
      { key: 'langs', label: 'Languages', type: 'multiselect', options: ['en', 'es', 'fr'] },
    ];
    for (const def of defs) expect((await dir.call('POST', '/api/v1/custom-fields', def)).status, def.key).toBe(201);
    expect(
      (await dir.call('POST', '/api/v1/custom-fields', { key: 'bad', label: 'Bad', type: 'text', pattern: '([' })).body.errors[0]
        .field,
    ).toBe('pattern');
    expect(
      (await dir.call('POST', '/api/v1/custom-fields', { key: 'empty', label: 'E', type: 'select' })).body.errors[0].field,
    ).toBe('options');
    expect((await dir.call('POST', '/api/v1/custom-fields', { key: 'Bad Key', label: 'B', type: 'text' })).status).toBe(400);
    const ok = await user('cf.ok', {
      customFields: { badge_no: 'AB1234', level: 3, hired: '2020-02-29', remote: true, site: 'Lima', langs: ['fr', 'es'] },
    });
    expect(ok.customFields).toEqual({
      badge_no: 'AB1234',
      level: 3,
      hired: '2020-02-29',
      remote: true,
      site: 'Lima',
      langs: ['fr', 'es'],
    });
    const bad = await dir.call('POST', '/api/v1/users', {
      username: 'cf.bad',
      email: 'cf.bad@example.org',
      firstName: 'Cf',
      lastName: 'Bad',
      customFields: { badge_no: 'nope', level: 'high', hired: '2021-02-30', site: 'Oslo', langs: ['de'], shoe: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string; code: string }) => `${e.field}:${e.code}`).sort()).toEqual([
      'customFields.badge_no:pattern',
      'customFields.hired:date',
      'customFields.langs:notAnOption',
      'customFields.level:number',
      'customFields.shoe:unknownField',
      'customFields.site:notAnOption',
    ]);
    expect((await dir.call('PATCH', '/api/v1/custom-fields/level', { type: 'text' })).status).toBe(400);
    const required = await dir.call('PATCH', '/api/v1/custom-fields/site', {
      required: true,
      options: ['Paris', 'Lima', 'Oslo'],
    });
    expect(required.body).toMatchObject({ required: true, options: ['Paris', 'Lima', 'Oslo'] });
    const missing = await dir.call('POST', '/api/v1/users', {
      username: 'cf.miss',
      email: 'cf.miss@example.org',
      firstName: 'A',
      lastName: 'B',
    });
    expect(missing.body.errors).toEqual([{ field: 'customFields.site', code: 'required' }]);
    const caps = await dir.call('GET', '/api/v1/capabilities');
    expect(caps.body.fieldSchema.customFields.map((f: { key: string }) => f.key)).toEqual(defs.map((d) => d.key));
    expect((await dir.call('DELETE', '/api/v1/custom-fields/langs')).status).toBe(400);
    expect((await dir.call('DELETE', '/api/v1/custom-fields/langs', { confirm: true })).status).toBe(204);
    expect((await dir.call('GET', `/api/v1/users/${ok.id}`)).body.customFields).not.toHaveProperty('langs');
  });

  it('lists built-in roles, keeps them fixed, and enforces custom roles as permission sets', async () => {
    const roles = await dir.call('GET', '/api/v1/roles');
    expect(roles.body.items.filter((r: { builtin: boolean }) => r.builtin)).toHaveLength(9);
    expect((await dir.call('PATCH', '/api/v1/roles/auditor', { permissions: ['users.delete'] })).status).toBe(409);
    expect((await dir.call('DELETE', '/api/v1/roles/administrator')).status).toBe(409);
    const perms = await dir.call('GET', '/api/v1/permissions');
    expect(perms.body.items.map((p: { key: string }) => p.key)).toEqual(
      expect.arrayContaining(['users.impersonate', 'users.anonymize', 'jobs.run', 'settings.write', 'events.ingest']),
    );
    const custom = await dir.call('POST', '/api/v1/roles', { key: 'viewer', name: 'Viewer', permissions: ['users.read'] });
    expect(custom.status).toBe(201);
    expect((await dir.call('POST', '/api/v1/roles', { key: 'bad', name: 'Bad', permissions: ['users.fly'] })).status).toBe(400);
    const token = (await dir.call('POST', '/api/v1/tokens', { name: 'viewer', role: 'viewer' })).body.token;
    const as = (method: string, path: string, body?: unknown) =>
      request(`${dir.url}${path}`, method, body, { authorization: `Bearer ${token}` });
    expect((await as('GET', '/api/v1/users')).status).toBe(200);
    expect((await as('GET', '/api/v1/groups')).status).toBe(403);
    expect((await as('POST', '/api/v1/users', {})).body).toMatchObject({ status: 403, permission: 'users.create' });
    await dir.call('PATCH', '/api/v1/roles/viewer', { permissions: ['users.read', 'groups.read'] });
    expect((await as('GET', '/api/v1/groups')).status).toBe(200);
    expect((await as('GET', '/api/v1/auth/me')).body.permissions).toEqual(['groups.read', 'users.read']);
  });

  it('does not let a role grant more than its holder has', async () => {
    const token = (await dir.call('POST', '/api/v1/tokens', { name: 'uga', role: 'user_group_admin' })).body.token;
    const as = (method: string, path: string, body?: unknown) =>
      request(`${dir.url}${path}`, method, body, { authorization: `Bearer ${token}` });
    const target = await user('esc.target', { customFields: { site: 'Paris' } });
    const escalate = await as('PATCH', `/api/v1/users/${target.id}`, { roles: ['administrator'] });
    expect(escalate.status).toBe(403);
    expect(escalate.body.permission).toBe('roles.assign');
    expect((await as('PATCH', `/api/v1/users/${target.id}`, { roles: ['end_user'] })).status).toBe(200);
    expect((await as('POST', '/api/v1/tokens', { name: 'x', role: 'administrator' })).status).toBe(403);
    const byAdmin = await dir.call('PATCH', `/api/v1/users/${target.id}`, { roles: ['administrator', 'auditor'] });
    expect(byAdmin.body.roles).toEqual(['administrator', 'auditor']);
  });
});
