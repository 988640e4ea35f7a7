/**
 * The SCIM client and capability discovery against the real server: once with its admin API, once
 * as a plain SCIM backend (admin extension off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/index';
import { discover, identify } from '../connections/capabilities';
import { createApiClient, type ApiClient } from './index';
import { ScimClient, scimSchemas, type ScimUser } from './scim';
import { failure } from '../../../tests/helpers/failure';

const token = `scim-test-${randomUUID()}`;
const servers: { server: RunningServer; dir: string }[] = [];
const clients: ApiClient[] = [];

async function start(adminApi: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'userdeck-scim-'));
  const server = await startServer({ dataDir: dir, bootstrapToken: token, adminApi });
  servers.push({ server, dir });
  const api = createApiClient({ baseUrl: server.url, credentials: { method: 'token', token }, proxy: { mode: 'none' } });
  clients.push(api);
  return { server, api };
}

let full: Awaited<ReturnType<typeof start>>;
let plain: Awaited<ReturnType<typeof start>>;

beforeAll(async () => {
  full = await start(true);
  plain = await start(false);
});

afterAll(async () => {
  for (const api of clients) api.dispose();
  for (const { server, dir } of servers) {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const newUser = (): ScimUser => {
  const u = randomUUID().slice(0, 8);
  return {
    schemas: [scimSchemas.user],
    userName: `scim.${u}`,
    name: { givenName: 'Søren', familyName: 'Kierkegaard' },
    emails: [{ value: `scim.${u}@example.org`, primary: true }],
    active: true,
  };
};

describe('SCIM client', () => {
  it('discovers, then creates, filters, patches with ETags, pages and deletes users', async () => {
    const scim = plain.api.scim;
    const config = await scim.serviceProviderConfig();
    expect(config.patch?.supported).toBe(true);
    expect((await scim.resourceTypes()).Resources?.map((r) => r.id ?? r.name)).toEqual(expect.arrayContaining(['User']));
    expect((await scim.schemas()).totalResults).toBeGreaterThan(0);

    const created = await scim.createUser(newUser());
    expect(created.id).toBeTruthy();
    const found = await scim.listUsers({ filter: `userName eq "${created.userName}"` });
    expect(found.totalResults).toBe(1);

    const version = created.meta?.version;
    expect(version).toBeTruthy();
    const patched = await scim.patchUser(created.id!, [{ op: 'replace', path: 'active', value: false }], { ifMatch: version });
    expect(patched?.active).toBe(false);

    // The old ETag is stale now: refused, with the server's current copy attached.
    const stale = await failure(
      scim.patchUser(created.id!, [{ op: 'replace', path: 'displayName', value: 'x' }], { ifMatch: version }),
    );
    expect(stale.code).toBe('staleVersion');
    expect((stale.details as { current: ScimUser }).current.active).toBe(false);

    for (let i = 0; i < 3; i++) await scim.createUser(newUser());
    const page1 = await scim.listUsers({ startIndex: 1, count: 2, sortBy: 'userName' });
    const page2 = await scim.listUsers({ startIndex: 3, count: 2, sortBy: 'userName' });
    expect(page1.Resources).toHaveLength(2);
    expect(page1.Resources![0]!.id).not.toBe(page2.Resources![0]!.id);

    await scim.deleteUser(created.id!);
    expect(await failure(scim.getUser(created.id!))).toMatchObject({ code: 'notFound' });
  });

  it('maps SCIM errors: uniqueness to conflict, a bad filter to validation', async () => {
    const scim = plain.api.scim;
    const user = await scim.createUser(newUser());
    expect(await failure(scim.createUser({ ...newUser(), userName: user.userName }))).toMatchObject({
      code: 'conflict',
      params: { status: 409 },
    });
    expect(await failure(scim.listUsers({ filter: 'userName eq' }))).toMatchObject({
      code: 'validation',
      params: { status: 400 },
    });
  });

  it('manages groups and runs a bulk request', async () => {
    const scim = plain.api.scim;
    const member = await scim.createUser(newUser());
    const group = await scim.createGroup({ schemas: [scimSchemas.group], displayName: `Team ${randomUUID().slice(0, 6)}` });
    await scim.patchGroup(group.id!, [{ op: 'add', path: 'members', value: [{ value: member.id }] }]);
    expect((await scim.getGroup(group.id!)).members?.map((m) => m.value)).toEqual([member.id]);

    const bulk = await scim.bulk([
      { method: 'POST', path: '/Users', bulkId: 'a', data: newUser() },
      { method: 'POST', path: '/Users', bulkId: 'b', data: newUser() },
    ]);
    expect(bulk.Operations.map((o) => o.status)).toEqual(['201', '201']);
  });
});

describe('capability discovery', () => {
  it('a Userdeck server unlocks the admin features and its field schema, with SCIM beside', async () => {
    const { capabilities, fieldSchema } = await discover(full.api);
    expect(capabilities).toMatchObject({ kind: 'userdeck', scimPath: '/scim/v2', version: expect.any(String) });
    expect(capabilities.features).toEqual(expect.arrayContaining(['users', 'groups', 'roles', 'scimUsers', 'scimPatch']));
    expect(fieldSchema.policies.passwordMinLength).toBe(8);
    expect(await identify(full.api, capabilities, null)).toMatchObject({ kind: 'token', name: 'bootstrap' });
  });

  it('a plain SCIM server gets the SCIM feature set only', async () => {
    const { capabilities } = await discover(plain.api);
    expect(capabilities).toMatchObject({ kind: 'scim', version: null, scimPath: '/scim/v2', limits: null });
    expect(capabilities.features).toEqual(expect.arrayContaining(['scimUsers', 'scimGroups', 'scimFilter', 'scimPatch']));
    expect(capabilities.features).not.toContain('roles');
    expect(capabilities.features).not.toContain('users');
  });

  it('finds SCIM when the URL given is the SCIM root itself', async () => {
    const api = createApiClient({
      baseUrl: `${plain.server.url}/scim/v2`,
      credentials: { method: 'token', token },
      proxy: { mode: 'none' },
    });
    clients.push(api);
    const { capabilities } = await discover(api);
    expect(capabilities).toMatchObject({ kind: 'scim', scimPath: '' });
    expect((await new ScimClient(api.http, capabilities.scimPath!).listUsers({ count: 1 })).schemas).toBeTruthy();
  });

  it('says clearly when nothing at the address is a directory', async () => {
    const api = createApiClient({
      baseUrl: `${plain.server.url}/nothing/here`,
      credentials: { method: 'token', token },
      proxy: { mode: 'none' },
    });
    clients.push(api);
    expect(await failure(discover(api))).toMatchObject({ code: 'notSupported', key: 'errors.notADirectory' });
  });
});
