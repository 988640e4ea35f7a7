import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const userdeck = 'urn:userdeck:scim:schemas:extension:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const bulkRequest = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

describeBackends('SCIM 2.0 (RFC 7643/7644)', (backend) => {
  let dir: TestDirectory;
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    dir.call(method, `/scim/v2${path}`, body, { 'content-type': 'application/scim+json', ...headers });
  const filter = (f: string, extra = '') => scim('GET', `/Users?filter=${encodeURIComponent(f)}${extra}`);
  const userNames = (res: { body: { Resources: { userName: string }[] } }) => res.body.Resources.map((r) => r.userName).sort();
  const ids: Record<string, string> = {};

  const newUser = (userName: string, extra: Record<string, unknown> = {}) => ({
    schemas: [userSchema],
    userName,
    name: { givenName: userName.split('@')[0], familyName: 'Tester' },
    emails: [{ value: `${userName.split('@')[0]}@example.org`, type: 'work', primary: true }],
    ...extra,
  });

  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    await dir.call('POST', '/api/v1/custom-fields', {
      key: 'dept',
      label: 'Department',
      type: 'select',
      options: ['Sales', 'R&D'],
    });
    for (const [name, extra] of [
      [
        'ada',
        {
          externalId: 'EXT-Ada',
          displayName: 'Ada Lovelace',
          [enterprise]: { employeeNumber: '100' },
          [userdeck]: { customFields: { dept: 'R&D' }, tags: ['pioneer'] },
        },
      ],
      ['bea', { active: false, displayName: 'Béa Dupré', phoneNumbers: [{ value: '+33 1 00 00 00 00', type: 'work' }] }],
      ['cy', { displayName: 'Cy Young', [enterprise]: { employeeNumber: '300' } }],
      ['dee', { emails: [{ value: 'dee@other.net', type: 'home' }] }],
    ] as const) {
      const res = await scim('POST', '/Users', newUser(name, extra));
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.id;
    }
  });
  afterAll(() => dir?.close());

  it('serves discovery: ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    const spc = await scim('GET', '/ServiceProviderConfig', undefined, { authorization: '' });
    expect(spc.status).toBe(200);
    expect(spc.headers.get('content-type')).toContain('application/scim+json');
    expect(spc.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000 },
      filter: { supported: true, maxResults: 1000 },
      sort: { supported: true },
      etag: { supported: true },
      pagination: { cursor: true, index: true },
    });
    const types = await scim('GET', '/ResourceTypes');
    const user = types.body.Resources.find((r: { id: string }) => r.id === 'User');
    expect(user.schemaExtensions.map((e: { schema: string }) => e.schema)).toEqual([enterprise, userdeck]);
    expect((await scim('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([userSchema, groupSchema, enterprise, userdeck]);
    const ext = await scim('GET', `/Schemas/${userdeck}`);
    const custom = ext.body.attributes.find((a: { name: string }) => a.name === 'customFields');
    expect(custom.subAttributes[0]).toMatchObject({ name: 'dept', canonicalValues: ['Sales', 'R&D'] });
    const core = await scim('GET', `/Schemas/${userSchema}`);
    expect(core.body.attributes.find((a: { name: string }) => a.name === 'password')).toMatchObject({
      mutability: 'writeOnly',
      returned: 'never',
    });
  });

  it('creates users with Location and ETag, never returns passwords, enforces userName uniqueness', async () => {
    const res = await scim(
      'POST',
      '/Users',
      newUser('eve', { password: 'Secret-123', title: 'Engineer', addresses: [{ locality: 'Lyon', type: 'work' }] }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${dir.url}/scim/v2/Users/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(res.body.meta).toMatchObject({ resourceType: 'User', version: 'W/"1"', location: res.headers.get('location') });
    expect(res.body).not.toHaveProperty('password');
    expect(res.body.title).toBe('Engineer');
    expect(res.body.addresses).toEqual([{ locality: 'Lyon', type: 'work' }]);
    expect(res.body[userdeck].source).toBe('scim');
    const dup = await scim('POST', '/Users', newUser('EVE'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
    });
    const login = await request(`${dir.url}/api/v1/auth/login`, 'POST', { username: 'eve', password: 'Secret-123' });
    expect(login.status).toBe(200);
  });

  it('refuses bad user bodies with SCIM errors', async () => {
    const noName = await scim('POST', '/Users', { schemas: [userSchema], name: { givenName: 'X' } });
    expect(noName.status).toBe(400);
    expect(noName.body.scimType).toBe('invalidValue');
    const unknown = await scim('POST', '/Users', newUser('zed', { shoeSize: 44 }));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ scimType: 'invalidSyntax' });
    expect(unknown.body.detail).toContain('shoeSize');
    const ext = await scim('POST', '/Users', newUser('zed', { 'urn:example:ext': { a: 1 } }));
    expect(ext.status).toBe(400);
    const wrongType = await scim('POST', '/Users', newUser('zed', { active: 'maybe' }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.detail).toContain('active');
    const badEmail = await scim('POST', '/Users', newUser('zed', { emails: [{ value: 'not-an-email' }] }));
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.detail).toContain('email');
  });

  it('filters with every operator, logic, grouping, value paths and extension paths', async () => {
    expect(userNames(await filter('userName eq "ADA"'))).toEqual(['ada']);
    expect(userNames(await filter('USERNAME Eq "ada"'))).toEqual(['ada']);
    expect(userNames(await filter('userName ne "ada" and userName sw "b"'))).toEqual(['bea']);
    expect(userNames(await filter('displayName co "lace"'))).toEqual(['ada']);
    expect(userNames(await filter('displayName ew "dupré"'))).toEqual(['bea']);
    expect(userNames(await filter('displayName co "DUPRÉ"'))).toEqual(['bea']);
    expect(userNames(await filter('phoneNumbers pr'))).toEqual(['bea']);
    expect(userNames(await filter('active eq false'))).toEqual(['bea']);
    expect(userNames(await filter('not (active eq true) or userName eq "cy"'))).toEqual(['bea', 'cy']);
    expect(userNames(await filter('(userName eq "ada" or userName eq "cy") and displayName pr'))).toEqual(['ada', 'cy']);
    expect(userNames(await filter('emails[type eq "work" and value ew "@example.org"] and userName sw "d"'))).toEqual([]);
    expect(userNames(await filter('emails[value ew "other.net"]'))).toEqual(['dee']);
    expect(userNames(await filter('emails.value co "other"'))).toEqual(['dee']);
    expect(userNames(await filter(`${enterprise}:employeeNumber gt "200"`))).toEqual(['cy']);
    expect(userNames(await filter(`${enterprise}:employeeNumber le "100"`))).toEqual(['ada']);
    expect(userNames(await filter(`${userdeck}:customFields.dept eq "r&d"`))).toEqual(['ada']);
    expect(userNames(await filter(`${userdeck}:tags eq "PIONEER"`))).toEqual(['ada']);
    expect(userNames(await filter('meta.created ge "2000-01-01T00:00:00Z" and userName eq "cy"'))).toEqual(['cy']);
    expect(userNames(await filter('meta.lastModified lt "2000-01-01T00:00:00Z"'))).toEqual([]);
    // caseExact: externalId compares exactly, userName does not.
    expect(userNames(await filter('externalId eq "EXT-Ada"'))).toEqual(['ada']);
    expect(userNames(await filter('externalId eq "ext-ada"'))).toEqual([]);
    expect(userNames(await filter('externalId sw "EXT"'))).toEqual(['ada']);
    expect(userNames(await filter('externalId co "XT-A"'))).toEqual(['ada']);
    expect(userNames(await filter('externalId co "xt-a"'))).toEqual([]);
    expect(userNames(await filter(`id eq "${ids.cy}"`))).toEqual(['cy']);
  });

  it('refuses bad filters with invalidFilter, including too long and too deep ones', async () => {
    for (const bad of [
      'userName eq',
      'userName xx "a"',
      'userName eq "a" and',
      '(userName eq "a"',
      'emails[type eq "work"',
      'nosuch eq "a"',
      'urn:x:y:z eq "a"',
      'active gt true',
      'userName eq unquoted',
    ]) {
      const res = await filter(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.scimType, bad).toBe('invalidFilter');
    }
    const long = await filter(`userName eq "${'a'.repeat(5000)}"`);
    expect(long.status).toBe(400);
    expect(long.body.detail).toContain('longer');
    const deep = await filter(`${'('.repeat(40)}userName eq "a"${')'.repeat(40)}`);
    expect(deep.status).toBe(400);
    expect(deep.body.detail).toContain('nests');
  });

  it('sorts and pages with 1-based startIndex and count', async () => {
    const sorted = await scim('GET', '/Users?sortBy=userName&sortOrder=descending&count=2&startIndex=2');
    expect(sorted.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 2 });
    expect(sorted.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['dee', 'cy']);
    const none = await scim('GET', '/Users?count=0');
    expect(none.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const huge = await scim('GET', '/Users?count=100000');
    expect(huge.status).toBe(200);
    expect(huge.body.itemsPerPage).toBe(5);
    expect((await scim('GET', '/Users?startIndex=0&count=1')).body.startIndex).toBe(1);
    expect((await scim('GET', '/Users?sortBy=title')).status).toBe(400);
    expect((await scim('GET', '/Users?count=abc')).status).toBe(400);
  });

  it('pages by cursor (RFC 9865) forwards and back', async () => {
    const first = await scim('GET', '/Users?cursor=&count=2&sortBy=userName');
    expect(first.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['ada', 'bea']);
    expect(first.body.previousCursor).toBeUndefined();
    const second = await scim('GET', `/Users?cursor=${first.body.nextCursor}&count=2&sortBy=userName`);
    expect(second.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['cy', 'dee']);
    const third = await scim('GET', `/Users?cursor=${second.body.nextCursor}&count=2&sortBy=userName`);
    expect(third.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['eve']);
    expect(third.body.nextCursor).toBeUndefined();
    const back = await scim('GET', `/Users?cursor=${third.body.previousCursor}&count=2&sortBy=userName`);
    expect(back.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['cy', 'dee']);
    expect((await scim('GET', '/Users?cursor=nonsense')).status).toBe(400);
    expect((await scim('GET', `/Users?cursor=${first.body.nextCursor}&sortBy=displayName`)).status).toBe(400);
    expect((await scim('GET', '/Users?cursor=&startIndex=2')).status).toBe(400);
  });

  it('projects attributes and excludedAttributes', async () => {
    const only = await scim('GET', `/Users/${ids.ada}?attributes=userName,name.givenName,${enterprise}:employeeNumber`);
    expect(only.body).toEqual({
      schemas: [userSchema, enterprise, userdeck],
      id: ids.ada,
      userName: 'ada',
      name: { givenName: 'ada' },
      [enterprise]: { employeeNumber: '100' },
    });
    const without = await scim('GET', `/Users/${ids.ada}?excludedAttributes=emails,meta,id`);
    expect(without.body).not.toHaveProperty('emails');
    expect(without.body).not.toHaveProperty('meta');
    expect(without.body.id).toBe(ids.ada);
    const listed = await filter('userName eq "ada"', '&attributes=emails.value');
    expect(listed.body.Resources[0]).toEqual({
      schemas: [userSchema, enterprise, userdeck],
      id: ids.ada,
      emails: [{ value: 'ada@example.org' }],
    });
  });

  it('searches with POST /Users/.search and POST /.search', async () => {
    const res = await scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName sw "a" or userName sw "b"',
      attributes: ['userName'],
      sortBy: 'userName',
      startIndex: 1,
      count: 10,
    });
    expect(res.status).toBe(200);
    expect(res.body.Resources).toEqual([
      { schemas: [userSchema, enterprise, userdeck], id: ids.ada, userName: 'ada' },
      { schemas: [userSchema, enterprise, userdeck], id: ids.bea, userName: 'bea' },
    ]);
    await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Searchers' });
    const root = await scim('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 100 });
    expect(root.body.totalResults).toBe(root.body.Resources.length);
    expect(root.body.Resources.some((r: { displayName?: string }) => r.displayName === 'Searchers')).toBe(true);
    const bad = await scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq',
    });
    expect(bad.body.scimType).toBe('invalidFilter');
  });

  it('replaces with PUT, keeping what SCIM does not manage, and honours ETags', async () => {
    const before = await scim('GET', `/Users/${ids.cy}`);
    expect(before.headers.get('etag')).toBe(before.body.meta.version);
    expect((await scim('GET', `/Users/${ids.cy}`, undefined, { 'if-none-match': before.body.meta.version })).status).toBe(304);
    await dir.call('PATCH', `/api/v1/users/${ids.cy}`, { roles: ['auditor'] });
    const stale = await scim('PUT', `/Users/${ids.cy}`, newUser('cy'), { 'if-match': before.body.meta.version });
    expect(stale.status).toBe(412);
    const current = await scim('GET', `/Users/${ids.cy}`);
    const put = await scim(
      'PUT',
      `/Users/${ids.cy}`,
      { ...newUser('cy'), name: { givenName: 'Cyrus', familyName: 'Young' } },
      { 'if-match': current.body.meta.version },
    );
    expect(put.status).toBe(200);
    expect(put.body.name).toMatchObject({ givenName: 'Cyrus', familyName: 'Young' });
    expect(put.body).not.toHaveProperty('displayName');
    expect(put.body[enterprise]).toBeUndefined();
    expect(put.body.roles).toEqual([{ value: 'auditor' }]);
  });

  it('patches atomically: add, replace, remove, value paths, extension paths, no-path replace', async () => {
    const res = await scim('PATCH', `/Users/${ids.ada}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'add', path: 'emails', value: [{ value: 'ada.home@example.net', type: 'home' }] },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada.work@example.org' },
        { op: 'replace', path: `${enterprise}:employeeNumber`, value: '101' },
        { op: 'add', path: `${userdeck}:customFields.dept`, value: 'Sales' },
        { op: 'replace', value: { displayName: 'Countess Ada', 'name.familyName': 'Lovelace', nickName: 'Ada' } },
        { op: 'remove', path: 'externalId' },
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.emails).toEqual([
      { value: 'ada.work@example.org', type: 'work', primary: true },
      { value: 'ada.home@example.net', type: 'home' },
    ]);
    expect(res.body).toMatchObject({ displayName: 'Countess Ada', nickName: 'Ada', name: { familyName: 'Lovelace' } });
    expect(res.body[enterprise].employeeNumber).toBe('101');
    expect(res.body[userdeck].customFields).toEqual({ dept: 'Sales' });
    expect(res.body).not.toHaveProperty('externalId');
    const removeHome = await scim('PATCH', `/Users/${ids.ada}`, {
      schemas: [patchOp],
      Operations: [{ op: 'remove', path: 'emails[type eq "home"]' }],
    });
    expect(removeHome.body.emails).toHaveLength(1);

    const version = removeHome.body.meta.version;
    const failing = await scim('PATCH', `/Users/${ids.ada}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'replace', path: 'displayName', value: 'Should not stick' },
        { op: 'replace', path: 'emails[type eq "fax" and value pr].value', value: 'x@y.org' },
      ],
    });
    expect(failing.status).toBe(400);
    expect(failing.body.scimType).toBe('noTarget');
    const after = await scim('GET', `/Users/${ids.ada}`);
    expect(after.body.displayName).toBe('Countess Ada');
    expect(after.body.meta.version).toBe(version);

    const errors: [unknown, string][] = [
      [{ op: 'remove' }, 'noTarget'],
      [{ op: 'replace', path: 'groups', value: [] }, 'mutability'],
      [{ op: 'replace', path: 'id', value: 'x' }, 'mutability'],
      [{ op: 'jump', path: 'displayName', value: 'x' }, 'invalidSyntax'],
      [{ op: 'replace', path: 'nosuch', value: 'x' }, 'invalidPath'],
      [{ op: 'replace', path: 'emails[type eq', value: 'x' }, 'invalidPath'],
      [{ op: 'replace', value: 'not an object' }, 'invalidValue'],
    ];
    for (const [op, scimType] of errors) {
      const bad = await scim('PATCH', `/Users/${ids.ada}`, { schemas: [patchOp], Operations: [op] });
      expect(bad.status, JSON.stringify(op)).toBe(400);
      expect(bad.body.scimType, JSON.stringify(op)).toBe(scimType);
    }
    const stale = await scim(
      'PATCH',
      `/Users/${ids.ada}`,
      { schemas: [patchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] },
      { 'if-match': 'W/"1"' },
    );
    expect(stale.status).toBe(412);
  });

  it('deletes users: 204, then 404', async () => {
    const created = await scim('POST', '/Users', newUser('gone'));
    expect((await scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    const res = await scim('GET', `/Users/${created.body.id}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: '404', schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'] });
    expect(userNames(await filter('userName eq "gone"'))).toEqual([]);
  });

  it('manages groups and members', async () => {
    const created = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Pilots',
      externalId: 'g-1',
      members: [{ value: ids.ada }, { value: ids.bea }],
    });
    expect(created.status).toBe(201);
    expect(created.body.members.map((m: { value: string }) => m.value).sort()).toEqual([ids.ada, ids.bea].sort());
    const gid = created.body.id;
    const byName = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "pilots"')}&excludedAttributes=members`,
    );
    expect(byName.body.Resources).toHaveLength(1);
    expect(byName.body.Resources[0]).not.toHaveProperty('members');
    const byMember = await scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${ids.bea}"]`)}`);
    expect(byMember.body.Resources.map((g: { id: string }) => g.id)).toEqual([gid]);
    const userGroups = await filter(`groups.value eq "${gid}"`);
    expect(userNames(userGroups)).toEqual(['ada', 'bea']);
    const cyBefore = (await scim('GET', `/Users/${ids.cy}`)).body.meta.version;
    const patched = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'add', path: 'members', value: [{ value: ids.cy }] },
        { op: 'remove', path: `members[value eq "${ids.ada}"]` },
        { op: 'replace', path: 'displayName', value: 'Test Pilots' },
      ],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.displayName).toBe('Test Pilots');
    expect(patched.body.members.map((m: { value: string }) => m.value).sort()).toEqual([ids.bea, ids.cy].sort());
    const user = await scim('GET', `/Users/${ids.cy}`);
    expect(user.body.groups).toEqual([expect.objectContaining({ value: gid, display: 'Test Pilots' })]);
    // The membership is part of the user: its version moved on.
    expect(user.body.meta.version).not.toBe(cyBefore);
    expect((await scim('GET', `/Users/${ids.cy}`, undefined, { 'if-none-match': cyBefore })).status).toBe(200);
    const put = await scim('PUT', `/Groups/${gid}`, {
      schemas: [groupSchema],
      displayName: 'Test Pilots',
      members: [{ value: ids.dee }],
    });
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([ids.dee]);
    const badMember = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }],
    });
    expect(badMember.status).toBe(400);
    expect((await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'test pilots' })).status).toBe(409);
    expect((await scim('DELETE', `/Groups/${gid}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${gid}`)).status).toBe(404);
  });

  it('versions groups: ETag, If-None-Match 304, If-Match 412 on PUT, PATCH and DELETE', async () => {
    const created = await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Versioned' });
    expect(created.status).toBe(201);
    const gid = created.body.id;
    const v1 = created.body.meta.version;
    expect(v1).toBe('W/"1"');
    expect(created.headers.get('etag')).toBe(v1);
    const read = await scim('GET', `/Groups/${gid}`);
    expect(read.headers.get('etag')).toBe(v1);
    const unchanged = await scim('GET', `/Groups/${gid}`, undefined, { 'if-none-match': v1 });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.get('etag')).toBe(v1);
    expect((await scim('GET', `/Groups/${gid}`, undefined, { 'if-none-match': 'W/"99"' })).status).toBe(200);

    const patched = await scim(
      'PATCH',
      `/Groups/${gid}`,
      { schemas: [patchOp], Operations: [{ op: 'add', path: 'members', value: [{ value: ids.ada }] }] },
      { 'if-match': v1 },
    );
    expect(patched.status, patched.text).toBe(200);
    const v2 = patched.body.meta.version;
    expect(v2).not.toBe(v1);
    expect(patched.headers.get('etag')).toBe(v2);
    expect((await scim('GET', `/Groups/${gid}`, undefined, { 'if-none-match': v1 })).status).toBe(200);
    expect((await scim('GET', `/Groups/${gid}`, undefined, { 'if-none-match': v2 })).status).toBe(304);

    const stalePut = await scim(
      'PUT',
      `/Groups/${gid}`,
      { schemas: [groupSchema], displayName: 'Overwritten', members: [] },
      { 'if-match': v1 },
    );
    expect(stalePut.status).toBe(412);
    expect(stalePut.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '412' });
    const stalePatch = await scim(
      'PATCH',
      `/Groups/${gid}`,
      { schemas: [patchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'Overwritten' }] },
      { 'if-match': v1 },
    );
    expect(stalePatch.status).toBe(412);
    const still = await scim('GET', `/Groups/${gid}`);
    expect(still.body).toMatchObject({ displayName: 'Versioned', meta: { version: v2 } });
    expect(still.body.members.map((m: { value: string }) => m.value)).toEqual([ids.ada]);

    const staleDelete = await scim('DELETE', `/Groups/${gid}`, undefined, { 'if-match': v1 });
    expect(staleDelete.status).toBe(412);
    expect(staleDelete.body.status).toBe('412');
    expect((await scim('GET', `/Groups/${gid}`)).status).toBe(200);
    expect((await scim('DELETE', `/Groups/${gid}`, undefined, { 'if-match': v2 })).status).toBe(204);
    expect((await scim('GET', `/Groups/${gid}`)).status).toBe(404);
    // Any version (*) matches an existing group only.
    const other = await scim('POST', '/Groups', { schemas: [groupSchema], displayName: 'Versioned too' });
    expect((await scim('DELETE', `/Groups/${other.body.id}`, undefined, { 'if-match': '*' })).status).toBe(204);
    expect((await scim('DELETE', `/Groups/${other.body.id}`, undefined, { 'if-match': '*' })).status).toBe(404);
  });

  it('runs /Bulk with bulkId references, failOnErrors and size limits', async () => {
    const res = await scim('POST', '/Bulk', {
      schemas: [bulkRequest],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'grp',
          data: { schemas: [groupSchema], displayName: 'Bulk Group', members: [{ value: 'bulkId:usr' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'usr', data: newUser('bulk1') },
        {
          method: 'PATCH',
          path: '/Users/bulkId:usr',
          data: { schemas: [patchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'Bulky' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: newUser('bulk1') },
        { method: 'DELETE', path: '/Users/does-not-exist' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '200', '409', '404']);
    expect(res.body.Operations[3].response.scimType).toBe('uniqueness');
    const group = await scim('GET', res.body.Operations[0].location.replace(`${dir.url}/scim/v2`, ''));
    expect(group.body.members[0].display).toBe('Bulky');

    const stop = await scim('POST', '/Bulk', {
      schemas: [bulkRequest],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: newUser('bulk1') },
        { method: 'POST', path: '/Users', bulkId: 'b', data: newUser('bulk2') },
      ],
    });
    expect(stop.body.Operations).toHaveLength(1);
    expect((await filter('userName eq "bulk2"')).body.totalResults).toBe(0);

    const circular = await scim('POST', '/Bulk', {
      schemas: [bulkRequest],
      Operations: [
        { method: 'POST', path: '/Groups', bulkId: 'x', data: { displayName: 'X', members: [{ value: 'bulkId:y' }] } },
        { method: 'POST', path: '/Groups', bulkId: 'y', data: { displayName: 'Y', members: [{ value: 'bulkId:x' }] } },
      ],
    });
    expect(circular.body.Operations.map((o: { status: string }) => o.status)).toEqual(['409', '409']);

    const tooMany = await scim('POST', '/Bulk', {
      schemas: [bulkRequest],
      Operations: Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` })),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    const tooBig = await scim('POST', '/Bulk', { schemas: [bulkRequest], Operations: [], padding: 'x'.repeat(5 * 1024 * 1024) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.status).toBe('413');
  });

  it('limits /Bulk bodies to the configured maxPayloadSize it advertises', async () => {
    const small = await startTestDirectory(backend, { limits: { bulkMaxPayload: 2048 } });
    try {
      const call = (method: string, path: string, body?: unknown) =>
        small.call(method, `/scim/v2${path}`, body, { 'content-type': 'application/scim+json' });
      const config = await call('GET', '/ServiceProviderConfig');
      expect(config.body.bulk).toMatchObject({ supported: true, maxPayloadSize: 2048 });
      const fits = await call('POST', '/Bulk', {
        schemas: [bulkRequest],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'u', data: newUser('small.bulk') }],
      });
      expect(fits.status, fits.text).toBe(200);
      expect(fits.body.Operations[0].status).toBe('201');
      const over = await call('POST', '/Bulk', {
        schemas: [bulkRequest],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'v', data: newUser('big.bulk', { title: 'x'.repeat(3000) }) }],
      });
      expect(over.status).toBe(413);
      expect(over.headers.get('content-type')).toContain('application/scim+json');
      expect(over.body).toEqual({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
        status: '413',
        scimType: 'tooMany',
        detail: 'the request body is too large: at most 2048 bytes',
      });
      expect((await call('GET', `/Users?filter=${encodeURIComponent('userName eq "big.bulk"')}`)).body.totalResults).toBe(0);
    } finally {
      await small.close();
    }
  });
});
