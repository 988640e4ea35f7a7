/**
 * The provisioning steps identity providers run, as their published test suites describe them:
 * Okta's SCIM 2.0 spec tests (list, filter by userName, create, get, deactivate with PATCH, PUT,
 * group push) and Microsoft Entra's (its payload shapes, capitalised ops, "False" strings,
 * emails[type eq "work"].value paths, manager as a bare string, member add/remove by value lists).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describeBackends('identity provider provisioning flows', (backend) => {
  let dir: TestDirectory;
  let token: string;
  const scim = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    dir.call(method, `/scim/v2${path}`, body, {
      'content-type': 'application/scim+json',
      authorization: `Bearer ${token}`,
      ...headers,
    });

  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    // Identity providers get an API token with the User and Group Admin role, not the bootstrap one.
    token = (await dir.call('POST', '/api/v1/tokens', { name: 'idp', role: 'user_group_admin' })).body.token;
  });
  afterAll(() => dir?.close());

  it('Okta: lists, finds by userName, creates, reads, deactivates, replaces and pushes groups', async () => {
    const list = await scim('GET', '/Users?count=1&startIndex=1');
    expect(list.status).toBe(200);
    expect(list.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    const absent = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "nobody@atko.com"')}&startIndex=1&count=100`,
    );
    expect(absent.body).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await scim('POST', '/Users', {
      schemas: [userSchema],
      userName: 'Runscope.Okta@atko.com',
      name: { givenName: 'Runscope', familyName: 'Okta' },
      emails: [{ primary: true, value: 'runscope.okta@atko.com', type: 'work' }],
      displayName: 'Runscope Okta',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mNDE!$kjfS',
      active: true,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      userName: 'Runscope.Okta@atko.com',
      active: true,
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
    });
    expect((await scim('GET', `/Users/${id}`)).body.userName).toBe('Runscope.Okta@atko.com');
    const found = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "runscope.okta@atko.com"')}&startIndex=1&count=100`,
    );
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);
    expect((await scim('POST', '/Users', { schemas: [userSchema], userName: 'runscope.okta@atko.com' })).status).toBe(409);

    const deactivated = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    const replaced = await scim('PUT', `/Users/${id}`, {
      ...created.body,
      name: { givenName: 'Another', familyName: 'Okta' },
      active: true,
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ name: { givenName: 'Another' }, active: true });
    expect((await scim('GET', '/Users/010101010101010101')).status).toBe(404);

    const pushed = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      displayName: 'Okta Push',
      members: [{ value: id, display: 'Runscope.Okta@atko.com' }],
    });
    expect(pushed.status).toBe(201);
    const gid = pushed.body.id;
    const renamed = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'replace', value: { id: gid, displayName: 'Okta Push Renamed' } }],
    });
    expect(renamed.body.displayName).toBe('Okta Push Renamed');
    const emptied = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    });
    expect(emptied.body.members).toEqual([]);
    const again = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: 'x' }] }],
    });
    expect(again.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    const put = await scim('PUT', `/Groups/${gid}`, {
      schemas: [groupSchema],
      id: gid,
      displayName: 'Okta Push Renamed',
      members: [],
    });
    expect(put.body.members).toEqual([]);
    expect((await scim('DELETE', `/Groups/${gid}`)).status).toBe(204);
  });

  it('Microsoft Entra: its payloads, capitalised ops and string booleans', async () => {
    const absent = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"')}`,
    );
    expect(absent.body.totalResults).toBe(0);
    const created = await scim('POST', '/Users', {
      schemas: [userSchema, enterprise],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      addresses: [
        {
          country: 'US',
          locality: 'Seattle',
          postalCode: '98052',
          primary: true,
          region: 'WA',
          streetAddress: '1 Main St',
          type: 'work',
        },
      ],
      displayName: 'Test User',
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Test User', familyName: 'User', givenName: 'Test' },
      phoneNumbers: [{ primary: true, type: 'mobile', value: '+1 425 555 0100' }],
      roles: [],
      title: 'Tester',
      [enterprise]: { employeeNumber: 'E1', department: 'Quality' },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id;
    const byExternal = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`,
    );
    expect(byExternal.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    const updated = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: `${enterprise}:manager`, value: '2819c223-7f76-453a-919d-413861904646' },
        { op: 'Replace', path: 'title', value: 'Senior Tester' },
      ],
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.emails[0].value).toBe('updatedEmail@microsoft.com');
    expect(updated.body.name.familyName).toBe('updatedFamilyName');
    expect(updated.body[enterprise]).toMatchObject({
      employeeNumber: 'E1',
      department: 'Quality',
      manager: { value: '2819c223-7f76-453a-919d-413861904646' },
    });
    expect(updated.body.title).toBe('Senior Tester');

    const disabled = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(disabled.body.active).toBe(false);
    const admin = await dir.call('GET', `/api/v1/users/${id}`);
    expect(admin.body).toMatchObject({ active: false, inactiveReason: 'manual', source: 'scim' });
    const enabled = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', value: { active: 'True' } }],
    });
    expect(enabled.body.active).toBe(true);
    // A work email added through a value path that matches nothing yet.
    const second = await scim('POST', '/Users', { schemas: [userSchema], userName: 'no.email.yet', active: true });
    const addedEmail = await scim('PATCH', `/Users/${second.body.id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'now@example.com' }],
    });
    expect(addedEmail.body.emails).toEqual([{ value: 'now@example.com', type: 'work', primary: true }]);

    const group = await scim('POST', '/Groups', {
      schemas: [groupSchema],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    });
    expect(group.status).toBe(201);
    const gid = group.body.id;
    const add = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: id }, { value: second.body.id }] }],
    });
    expect(add.body.members).toHaveLength(2);
    const filtered = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "displayName"')}&excludedAttributes=members`,
    );
    expect(filtered.body.Resources[0]).toEqual(expect.not.objectContaining({ members: expect.anything() }));
    const remove = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
    });
    expect(remove.body.members.map((m: { value: string }) => m.value)).toEqual([second.body.id]);
    const renamed = await scim('PATCH', `/Groups/${gid}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    });
    expect(renamed.body.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
  });

  it('pages a large provisioning sync with startIndex and count', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({
      key: `sync-${i}`,
      action: 'create',
      user: { username: `sync${String(i).padStart(3, '0')}`, email: `sync${i}@example.org`, firstName: 'Sync', lastName: 'User' },
    }));
    expect((await dir.call('POST', '/api/v1/users/batch', { rows })).status).toBe(200);
    const seen = new Set<string>();
    let total = 0;
    for (let start = 1; ; start += 100) {
      const page = await scim('GET', `/Users?filter=${encodeURIComponent('userName sw "sync"')}&startIndex=${start}&count=100`);
      total = page.body.totalResults;
      for (const r of page.body.Resources) seen.add(r.id);
      if (page.body.Resources.length < 100) break;
    }
    expect(total).toBe(250);
    expect(seen.size).toBe(250);
  });
});
