/**
 * The users adapter for plain SCIM backends against the real directory server started in-process
 * with its admin API turned off (`adminApi: false`), on SQLite and PostgreSQL. The capabilities
 * come from discovery; narrower servers are the same ones with features taken away, so each path
 * (index or cursor paging, PATCH or PUT, with or without ETags, filter, sort) runs for real.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConnectionCapabilities, ConnectionFeature } from '../../../common/connections';
import type { DirectoryUser } from '../../../common/users/scim';
import { adminToken, describeBackends, startTestDirectory, type TestDirectory } from '../../../tests/helpers/directory';
import { createApiClient, type ApiClient } from '../api';
import { scimSchemas } from '../api/scim';
import { discover } from '../connections/capabilities';
import { ScimDirectory, scimFilterOf } from './scim-directory';
import { failure } from '../../../tests/helpers/failure';

it('turns the search box and the status filter into one SCIM filter, quoting what was typed', () => {
  expect(scimFilterOf({})).toBeUndefined();
  expect(scimFilterOf({ q: ' ana ' })).toBe('userName co "ana" or name.formatted co "ana" or emails.value co "ana"');
  expect(scimFilterOf({ status: 'inactive' })).toBe('active eq false');
  expect(scimFilterOf({ q: 'a"b\\', status: 'active' })).toBe(
    '(userName co "a\\"b\\\\" or name.formatted co "a\\"b\\\\" or emails.value co "a\\"b\\\\") and (active eq true)',
  );
});

describeBackends('users over plain SCIM', (backend) => {
  let dir: TestDirectory;
  let api: ApiClient;
  let capabilities: ConnectionCapabilities;
  /** The same server as one that offers fewer features. */
  const narrowed = (without: ConnectionFeature[]) =>
    new ScimDirectory(api.scim, { ...capabilities, features: capabilities.features.filter((f) => !without.includes(f)) });
  const full = () => new ScimDirectory(api.scim, capabilities);
  const tag = randomUUID().slice(0, 6);
  const seeded: string[] = [];

  beforeAll(async () => {
    dir = await startTestDirectory(backend, { adminApi: false });
    api = createApiClient({ baseUrl: dir.url, credentials: { method: 'token', token: adminToken }, proxy: { mode: 'none' } });
    capabilities = (await discover(api)).capabilities;
    // 25 people, family names in a known order, every fifth one inactive.
    for (let i = 0; i < 25; i++) {
      const n = String(i).padStart(2, '0');
      const created = await api.scim.createUser({
        schemas: [scimSchemas.user],
        userName: `seed.${tag}.${n}`,
        name: { givenName: `Given${n}`, familyName: `Family${n}` },
        emails: [{ value: `person${n}.${tag}@example.org`, type: 'work', primary: true }],
        active: i % 5 !== 0,
      });
      seeded.push(created.id!);
    }
  });
  afterAll(async () => {
    api?.dispose();
    await dir?.close();
  });

  it('is discovered as a plain SCIM server with every SCIM feature', () => {
    expect(capabilities.kind).toBe('scim');
    expect(capabilities.features).toEqual(
      expect.arrayContaining(['scimUsers', 'scimFilter', 'scimSort', 'scimPatch', 'scimEtag', 'scimCursor']),
    );
    expect(capabilities.features).not.toContain('users');
  });

  it('pages by startIndex/count when the server has no cursor, sorted by name both ways', async () => {
    const scim = narrowed(['scimCursor']);
    const pages = [];
    for (const page of [1, 2, 3]) pages.push(await scim.list({ pageSize: '10', page: String(page) }));
    expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
    expect(pages.every((p) => p.total === 25 && p.nextCursor === null)).toBe(true);
    const names = pages.flatMap((p) => p.items.map((u) => u.lastName));
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `Family${String(i).padStart(2, '0')}`));

    const desc = await scim.list({ pageSize: '3', order: 'desc' });
    expect(desc.items.map((u) => u.lastName)).toEqual(['Family24', 'Family23', 'Family22']);
    const byUsername = await scim.list({ pageSize: '2', sort: 'username', order: 'desc' });
    expect(byUsername.items.map((u) => u.username)).toEqual([`seed.${tag}.24`, `seed.${tag}.23`]);
  });

  it('pages by the RFC 9865 cursor when the server has it: next and back give the same rows', async () => {
    const scim = full();
    const first = await scim.list({ pageSize: '10' });
    expect(first.prevCursor).toBeNull();
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await scim.list({ pageSize: '10', page: '2', cursor: first.nextCursor! });
    expect(second.items.map((u) => u.lastName)[0]).toBe('Family10');
    const third = await scim.list({ pageSize: '10', page: '3', cursor: second.nextCursor! });
    expect(third.items).toHaveLength(5);
    expect(third.nextCursor).toBeNull();
    const back = await scim.list({ pageSize: '10', page: '2', cursor: third.prevCursor! });
    expect(back.items.map((u) => u.id)).toEqual(second.items.map((u) => u.id));
  });

  it('searches userName, the formatted name and emails, filters by status, and counts what matches', async () => {
    const scim = full();
    expect((await scim.list({ q: `seed.${tag}.07` })).items.map((u) => u.lastName)).toEqual(['Family07']);
    expect((await scim.list({ q: 'Given12 Family12' })).items.map((u) => u.username)).toEqual([`seed.${tag}.12`]);
    expect((await scim.list({ q: `person03.${tag}@` })).items.map((u) => u.lastName)).toEqual(['Family03']);
    const inactive = await scim.list({ status: 'inactive', pageSize: '100' });
    expect(inactive.total).toBe(5);
    expect(inactive.items.every((u) => !u.active && u.inactiveReason === 'manual')).toBe(true);
    const both = await scim.list({ q: `person1`, status: 'active', pageSize: '100' });
    expect(both.items.map((u) => u.lastName).sort()).toEqual(
      ['11', '12', '13', '14', '16', '17', '18', '19'].map((n) => `Family${n}`),
    );
    // A quote in the search is a character to look for, not the end of the filter.
    expect((await scim.list({ q: 'a"b' })).total).toBe(0);
  });

  it('refuses, before any request, what the server does not offer', async () => {
    for (const [query, without] of [
      [{ tags: 'vip' }, []],
      [{ status: 'banned' }, []],
      [{ sort: 'lastLoginAt' }, []],
      [{ q: 'x' }, ['scimFilter']],
      [{ status: 'active' }, ['scimFilter']],
      [{ sort: 'username' }, ['scimSort']],
      [{ cursor: 'abc' }, ['scimCursor']],
    ] as [Record<string, string>, ConnectionFeature[]][]) {
      const error = await failure(narrowed(without).list(query));
      expect(error.code, JSON.stringify(query)).toBe('notSupported');
      expect(error.params.feature).toBe(Object.keys(query)[0]);
    }
    // Without sorting, the list is the server's own order, still paged.
    const unsorted = await narrowed(['scimSort', 'scimCursor']).list({ pageSize: '5', page: '5' });
    expect(unsorted.items).toHaveLength(5);
  });

  it('reads one user with every attribute for the overview, never a password, and maps it to the app’s model', async () => {
    const created = await api.scim.createUser({
      schemas: [scimSchemas.user, scimSchemas.enterpriseUser],
      userName: `read.${tag}`,
      name: { givenName: 'Grace', familyName: 'Hopper', middleName: 'Brewster' },
      title: 'Rear admiral',
      emails: [
        { value: `home.${tag}@example.org`, type: 'home' },
        { value: `grace.${tag}@example.org`, type: 'work', primary: true },
      ],
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      password: `Secret-${tag}-pw`,
      [scimSchemas.enterpriseUser]: { employeeNumber: 'E-42', department: 'Navy' },
    });
    const user = await full().get(created.id!);
    expect(user).toMatchObject({
      id: created.id,
      username: `read.${tag}`,
      firstName: 'Grace',
      lastName: 'Hopper',
      email: `grace.${tag}@example.org`,
      phone: '+1 555 0100',
      officialCode: 'E-42',
      active: true,
      source: 'scim',
      createdAt: created.meta!.created,
    });
    expect(user.scim!.etag).toBe(created.meta!.version);
    expect(user.version).toBe(Number(/"(\d+)"/.exec(created.meta!.version!)![1]));
    const rows = user.scim!.attributes;
    expect(rows).toEqual(
      expect.arrayContaining([
        { schema: '', path: 'title', value: 'Rear admiral' },
        { schema: '', path: 'name.middleName', value: 'Brewster' },
        { schema: '', path: 'emails', value: `home.${tag}@example.org (home)` },
        { schema: scimSchemas.enterpriseUser, path: 'department', value: 'Navy' },
        { schema: '', path: 'meta.created', value: created.meta!.created },
      ]),
    );
    expect(JSON.stringify(user)).not.toContain(`Secret-${tag}-pw`);
    expect(await failure(full().get(randomUUID()))).toMatchObject({ code: 'notFound' });
  });

  it('creates from the form’s fields, places a taken userName at its field and refuses fields SCIM has no place for', async () => {
    const scim = full();
    const { user, mailed } = await scim.create({
      username: `new.${tag}`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      displayName: 'Countess',
      email: `ada.${tag}@example.org`,
      phone: '+44 20 0000',
      active: false,
      password: 'Analytical-Engine-1843',
      // What the form sends for fields it hides: empty, so ignored.
      roles: [],
      tags: [],
      customFields: {},
      external: false,
      maternalSurname: null,
    });
    expect(mailed).toBe(false);
    expect(user).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', displayName: 'Countess', active: false });
    const raw = await api.scim.getUser(user.id);
    expect(raw.name?.formatted).toBe('Ada Lovelace');
    expect(raw.emails).toEqual([expect.objectContaining({ value: `ada.${tag}@example.org`, primary: true })]);

    const taken = await failure(scim.create({ username: `new.${tag}` }));
    expect(taken.code).toBe('conflict');
    expect(taken.issues).toEqual([{ path: 'username', key: 'users.form.errors.taken' }]);
    // The server's text names the attribute: the problem lands at that field of the form.
    const invalid = await failure(scim.create({ username: `bad.${tag}`, email: 'not-an-email' }));
    expect(invalid).toMatchObject({ code: 'validation', params: { field: 'email' } });
    expect(invalid.issues?.map((i) => i.path)).toEqual(['email']);

    const refused = await failure(scim.create({ username: `other.${tag}`, roles: ['administrator'], tags: ['vip'] }));
    expect(refused).toMatchObject({ code: 'validation', params: { field: 'roles' } });
    expect(refused.issues?.map((i) => i.path)).toEqual(['roles', 'tags']);
    expect((await scim.list({ q: `other.${tag}` })).total).toBe(0);
  });

  it('edits by PATCH with If-Match, keeps the other emails, and a stale copy comes back for the compare dialog', async () => {
    const scim = full();
    const created = await api.scim.createUser({
      schemas: [scimSchemas.user],
      userName: `patch.${tag}`,
      name: { givenName: 'Alan', familyName: 'Turing' },
      emails: [
        { value: `alan.${tag}@example.org`, type: 'work', primary: true },
        { value: `alan.home.${tag}@example.org`, type: 'home' },
      ],
    });
    const loaded = await scim.get(created.id!);
    const edited = await scim.update(loaded.id, { lastName: 'Mathison', email: `turing.${tag}@example.org` }, loaded.scim!.etag);
    expect(edited).toMatchObject({ firstName: 'Alan', lastName: 'Mathison', email: `turing.${tag}@example.org` });
    expect(edited.scim!.etag).not.toBe(loaded.scim!.etag);
    const raw = await api.scim.getUser(loaded.id);
    expect(raw.emails?.map((e) => e.value).sort()).toEqual([`alan.home.${tag}@example.org`, `turing.${tag}@example.org`]);
    expect(raw.name?.formatted).toBe('Alan Mathison');

    // Someone else's copy (the first ETag) is refused; the current one is attached, mapped.
    const stale = await failure(scim.update(loaded.id, { displayName: 'Mine' }, loaded.scim!.etag));
    expect(stale.code).toBe('staleVersion');
    const current = (stale.details as { current: { value: DirectoryUser } }).current.value;
    expect(current).toMatchObject({ id: loaded.id, lastName: 'Mathison' });
    expect(current.scim!.etag).toBe(edited.scim!.etag);
    // "Save mine over theirs" with their ETag goes through; clearing a field removes the attribute.
    const again = await scim.update(loaded.id, { displayName: 'Mine' }, current.scim!.etag);
    expect(again.displayName).toBe('Mine');
    expect((await scim.update(loaded.id, { displayName: null }, again.scim!.etag)).displayName).toBeNull();

    // A server without ETags gets no If-Match: the old tag is not checked.
    expect((await narrowed(['scimEtag']).update(loaded.id, { firstName: 'A.' }, loaded.scim!.etag)).firstName).toBe('A.');
  });

  it('edits by reading and PUTting the whole resource when the server has no PATCH, keeping what the app does not show', async () => {
    const scim = narrowed(['scimPatch']);
    const created = await api.scim.createUser({
      schemas: [scimSchemas.user],
      userName: `put.${tag}`,
      name: { givenName: 'Edsger', familyName: 'Dijkstra', honorificPrefix: 'Prof.' },
      title: 'Professor',
      emails: [{ value: `ewd.${tag}@example.org`, type: 'work', primary: true }],
    });
    const loaded = await scim.get(created.id!);
    const edited = await scim.update(loaded.id, { username: `put2.${tag}`, phone: '+31 20 0000' }, loaded.scim!.etag);
    expect(edited).toMatchObject({ username: `put2.${tag}`, phone: '+31 20 0000', email: `ewd.${tag}@example.org` });
    const raw = await api.scim.getUser(loaded.id);
    expect(raw.title).toBe('Professor');
    expect(raw.name).toMatchObject({ givenName: 'Edsger', familyName: 'Dijkstra', honorificPrefix: 'Prof.' });
    expect(await failure(scim.update(loaded.id, { lastName: 'x' }, loaded.scim!.etag))).toMatchObject({
      code: 'staleVersion',
    });
  });

  it('deactivates and activates by `active`, refuses a ban, and deletes with If-Match', async () => {
    for (const scim of [full(), narrowed(['scimPatch'])]) {
      const id = (await api.scim.createUser({ schemas: [scimSchemas.user], userName: `status.${randomUUID().slice(0, 8)}` })).id!;
      expect((await scim.setStatus(id, 'deactivate')).active).toBe(false);
      expect((await api.scim.getUser(id)).active).toBe(false);
      expect((await scim.setStatus(id, 'activate')).active).toBe(true);
      expect(await failure(scim.setStatus(id, 'ban'))).toMatchObject({ code: 'notSupported' });

      const before = await scim.get(id);
      await scim.setStatus(id, 'deactivate');
      expect(await failure(scim.delete(id, before.scim!.etag))).toMatchObject({ code: 'staleVersion' });
      await scim.delete(id, (await scim.get(id)).scim!.etag);
      expect(await failure(scim.get(id))).toMatchObject({ code: 'notFound' });
    }
  });
});
