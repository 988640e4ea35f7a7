import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminToken, describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('notes, forms, badges, languages, segments and group tools', (backend) => {
  let dir: TestDirectory;
  const tokens: Record<string, string> = {};
  const as = (role: string, method: string, path: string, body?: unknown) =>
    request(`${dir.url}${path}`, method, body, { authorization: `Bearer ${tokens[role]}` });
  let ann: string;

  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    for (const role of ['user_group_admin', 'auditor'])
      tokens[role] = (await dir.call('POST', '/api/v1/tokens', { name: role, role })).body.token;
    ann = (
      await dir.call('POST', '/api/v1/users', {
        username: 'ann',
        email: 'ann@example.org',
        firstName: 'Ann',
        lastName: 'Lee',
        tags: ['vip'],
      })
    ).body.id;
  });
  afterAll(() => dir?.close());

  it('keeps admin notes on a user: author, created, edited; only authors change their own', async () => {
    const created = await dir.call('POST', `/api/v1/users/${ann}/notes`, { body: 'Called about the invoice' });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      userId: ann,
      body: 'Called about the invoice',
      version: 1,
      author: { type: 'token', name: 'bootstrap' },
    });
    const other = await as('user_group_admin', 'POST', `/api/v1/users/${ann}/notes`, { body: 'Second opinion' });
    expect(other.status).toBe(201);
    const notAuthor = await as('user_group_admin', 'PATCH', `/api/v1/users/${ann}/notes/${created.body.id}`, {
      body: 'rewritten',
    });
    expect(notAuthor.status).toBe(403);
    expect(notAuthor.body.code).toBe('notAuthor');
    const stale = await dir.call(
      'PATCH',
      `/api/v1/users/${ann}/notes/${created.body.id}`,
      { body: 'x' },
      { 'if-match': 'W/"7"' },
    );
    expect(stale.status).toBe(412);
    const edited = await dir.call(
      'PATCH',
      `/api/v1/users/${ann}/notes/${created.body.id}`,
      { body: 'Called about the March invoice' },
      { 'if-match': 'W/"1"' },
    );
    expect(edited.body).toMatchObject({ version: 2, body: 'Called about the March invoice' });
    const list = (await as('auditor', 'GET', `/api/v1/users/${ann}/notes`)).body;
    expect(list.total).toBe(2);
    expect((await as('auditor', 'POST', `/api/v1/users/${ann}/notes`, { body: 'no' })).status).toBe(403);
    expect((await dir.call('POST', `/api/v1/users/${ann}/notes`, { body: '' })).body.errors[0].field).toBe('body');
    expect((await as('user_group_admin', 'DELETE', `/api/v1/users/${ann}/notes/${other.body.id}`)).status).toBe(204);
    // Note bodies never reach the log.
    expect(JSON.stringify((await dir.call('GET', `/api/v1/users/${ann}/activity?type=note`)).body)).not.toContain('invoice');
  });

  it('defines typed forms and refuses broken definitions naming the field', async () => {
    const noOptions = await dir.call('POST', '/api/v1/forms', {
      name: 'Bad',
      fields: [{ key: 'size', label: 'Size', type: 'select' }],
    });
    expect(noOptions.status).toBe(400);
    expect(noOptions.body.errors[0].field).toBe('fields.0.options');
    const twice = await dir.call('POST', '/api/v1/forms', {
      name: 'Bad',
      fields: [
        { key: 'a', label: 'A', type: 'text' },
        { key: 'a', label: 'A again', type: 'number' },
      ],
    });
    expect(twice.body.errors[0].field).toBe('fields.1.key');
    const form = await dir.call('POST', '/api/v1/forms', {
      name: 'Survey',
      fields: [{ key: 'mood', label: 'Mood', type: 'select', options: ['good', 'bad'] }],
    });
    expect(form.body).toMatchObject({ name: 'Survey', active: true, answerCount: 0, version: 1 });
    const patched = await dir.call('PATCH', `/api/v1/forms/${form.body.id}`, { active: false }, { 'if-match': 'W/"1"' });
    expect(patched.body).toMatchObject({ active: false, version: 2 });
    expect((await dir.call('PATCH', `/api/v1/forms/${form.body.id}`, { active: true }, { 'if-match': 'W/"1"' })).status).toBe(
      412,
    );
    expect((await dir.call('GET', '/api/v1/forms')).body.total).toBe(1);
    expect((await dir.call('DELETE', `/api/v1/forms/${form.body.id}`)).status).toBe(204);
  });

  it('keeps a badge catalogue and grants badges to users', async () => {
    const badge = await dir.call('POST', '/api/v1/badges', { key: 'mentor', name: 'Mentor' });
    expect(badge.status).toBe(201);
    expect((await dir.call('POST', '/api/v1/badges', { key: 'mentor', name: 'Again' })).status).toBe(409);
    const granted = await dir.call('POST', `/api/v1/users/${ann}/badges`, { badge: 'mentor' });
    expect(granted.body.badges).toEqual(['mentor']);
    expect((await dir.call('POST', `/api/v1/users/${ann}/badges`, { badge: 'nope' })).body.errors[0].field).toBe('params.badge');
    expect((await dir.call('DELETE', `/api/v1/users/${ann}/badges/mentor`)).status).toBe(204);
    expect((await dir.call('GET', `/api/v1/users/${ann}`)).body.badges).toEqual([]);
  });

  it('lists languages for the field schema, and keeps a language set by a sync source locked', async () => {
    expect((await dir.call('GET', '/api/v1/languages')).body.items.map((l: { code: string }) => l.code)).toEqual([
      'en',
      'es',
      'fr',
    ]);
    expect((await dir.call('PUT', '/api/v1/languages/de', { name: 'Deutsch' })).body).toEqual({
      code: 'de',
      name: 'Deutsch',
      enabled: true,
    });
    expect((await dir.call('GET', '/api/v1/capabilities')).body.fieldSchema.languages).toEqual(['en', 'es', 'fr', 'de']);
    await dir.call('PUT', '/api/v1/languages/de', { name: 'Deutsch', enabled: false });
    expect((await dir.call('GET', '/api/v1/capabilities')).body.fieldSchema.languages).toEqual(['en', 'es', 'fr']);
    expect((await dir.call('PUT', '/api/v1/languages/not%20a%20tag', { name: 'x' })).status).toBe(400);

    const synced = (
      await dir.call('POST', '/api/v1/users', {
        username: 'synced',
        email: 'synced@example.org',
        firstName: 'Sy',
        lastName: 'Nced',
        language: 'es',
      })
    ).body;
    // A sync connector (not part of this server yet) marks the language as its own.
    const lock = `update users set language_locked = 1, source = 'sync' where id = '${synced.id}'`;
    if (backend === 'sqlite') {
      const db = new SQLite(join(dir.dataDir, 'userdeck.db'));
      db.prepare(lock).run();
      db.close();
    } else {
      const client = new pg.Client({ connectionString: dir.databaseUrl });
      await client.connect();
      await client.query(lock);
      await client.end();
    }
    const refused = await dir.call('PATCH', `/api/v1/users/${synced.id}`, { language: 'fr' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'language', code: 'locked' });
    const preview = await dir.call('POST', '/api/v1/jobs', {
      action: 'setLanguage',
      params: { language: 'fr' },
      userIds: [synced.id, ann],
      dryRun: true,
    });
    expect(preview.body).toMatchObject({ change: 1, skip: 1, reasons: [{ code: 'languageLocked', count: 1 }] });
  });

  it('saves filters as segments evaluated in SQL, with live counts, usable as a users-list filter', async () => {
    const bad = await dir.call('POST', '/api/v1/segments', { name: 'Bad', filter: { role: 'no_such_role' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('filter.role');
    const nested = await dir.call('POST', '/api/v1/segments', { name: 'Nested', filter: { segment: 'x' } });
    expect(nested.body.errors[0].field).toBe('filter.segment');
    const vip = await dir.call('POST', '/api/v1/segments', { name: 'Active VIPs', filter: { tags: 'vip', status: 'active' } });
    expect(vip.status, vip.text).toBe(201);
    expect(vip.body).toMatchObject({ count: 1, countExact: true });
    await dir.call('POST', '/api/v1/users', {
      username: 'bob',
      email: 'bob@example.org',
      firstName: 'Bob',
      lastName: 'Ray',
      tags: ['vip'],
    });
    expect((await dir.call('GET', `/api/v1/segments/${vip.body.id}`)).body.count).toBe(2);
    const members = (await dir.call('GET', '/api/v1/users?segment=active%20vips&sort=username')).body;
    expect(members.items.map((u: { username: string }) => u.username)).toEqual(['ann', 'bob']);
    expect((await dir.call('GET', `/api/v1/users?segment=${vip.body.id}&q=bob`)).body.total).toBe(1);
    expect((await dir.call('GET', '/api/v1/users?segment=unknown')).body.errors[0].field).toBe('segment');
    const job = await dir.call('POST', '/api/v1/jobs', { action: 'deactivate', filter: { segment: vip.body.id }, dryRun: true });
    expect(job.body).toMatchObject({ total: 2, change: 2 });
    expect((await dir.call('GET', '/api/v1/segments')).body.items[0]).toMatchObject({ name: 'Active VIPs', count: 2 });
    expect((await dir.call('DELETE', `/api/v1/segments/${vip.body.id}`)).status).toBe(204);
  });

  it('deactivates groups without touching members, deletes only empty ones, cleans up and exports', async () => {
    const full = (await dir.call('POST', '/api/v1/groups', { name: 'Full' })).body;
    const empty = (await dir.call('POST', '/api/v1/groups', { name: 'Empty one' })).body;
    await dir.call('POST', `/api/v1/groups/${full.id}/members`, { userIds: [ann] });
    expect((await dir.call('POST', `/api/v1/groups/${full.id}/deactivate`, {})).body).toMatchObject({
      active: false,
      memberCount: 1,
    });
    expect((await dir.call('GET', `/api/v1/users/${ann}`)).body.active).toBe(true);
    expect((await dir.call('DELETE', `/api/v1/groups/${full.id}`)).body.code).toBe('groupNotEmpty');
    const dry = await dir.call('POST', '/api/v1/groups/cleanup', { dryRun: true });
    expect(dry.body.groups.map((g: { name: string }) => g.name)).toContain('Empty one');
    expect((await dir.call('GET', `/api/v1/groups/${empty.id}`)).status).toBe(200);
    const done = await dir.call('POST', '/api/v1/groups/cleanup', {});
    expect(done.body.count).toBeGreaterThanOrEqual(1);
    expect((await dir.call('GET', `/api/v1/groups/${empty.id}`)).status).toBe(404);
    expect((await dir.call('GET', `/api/v1/groups/${full.id}`)).status).toBe(200);
    const csv = await request(`${dir.url}/api/v1/groups/export.csv`, 'GET', undefined, { authorization: `Bearer ${adminToken}` });
    expect(csv.text).toContain('id,name,description,active,members,owner,createdAt');
    expect(csv.text).toContain(`${full.id},Full,,false,1,,`);
  });
});
