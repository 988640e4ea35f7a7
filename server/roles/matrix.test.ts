import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';
import { builtinRoles } from './builtin';
import { isPermission, permissions, readPermissions } from './permissions';

/** The only routes anyone may call without a token. */
const publicRoutes = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'GET /api/v1/openapi.json',
  'GET /scim/v2/ServiceProviderConfig',
  'GET /scim/v2/ResourceTypes',
  'GET /scim/v2/ResourceTypes/:id',
  'GET /scim/v2/Schemas',
  'GET /scim/v2/Schemas/:id',
]);

it('gives the Auditor every read permission and nothing else, and the End User nothing', () => {
  const auditor = builtinRoles.find((r) => r.key === 'auditor')!;
  expect([...auditor.permissions].sort()).toEqual([...readPermissions].sort());
  expect(auditor.permissions.every((p) => p.endsWith('.read'))).toBe(true);
  expect(builtinRoles.find((r) => r.key === 'end_user')!.permissions).toEqual([]);
  expect(builtinRoles.find((r) => r.key === 'administrator')!.permissions).toEqual(permissions);
  expect(builtinRoles.map((r) => r.name)).toEqual([
    'Administrator',
    'Configuration Admin',
    'User and Group Admin',
    'Campaign Admin',
    'Content Admin',
    'Implementer',
    'Auditor',
    'Awareness Plan Admin',
    'End User',
  ]);
  const admin = (key: string) => builtinRoles.find((r) => r.key === key)!.permissions as readonly string[];
  // Impersonation and deletion need their own permissions: only the Administrator has both.
  expect(
    builtinRoles.filter((r) => (r.permissions as readonly string[]).includes('users.impersonate')).map((r) => r.key),
  ).toEqual(['administrator']);
  expect(admin('user_group_admin')).toContain('users.delete');
  expect(admin('user_group_admin')).not.toContain('users.anonymize');
  const awareness = new Set(admin('awareness_plan_admin'));
  for (const p of [...admin('content_admin'), ...admin('campaign_admin')]) expect(awareness.has(p)).toBe(true);
});

describeBackends('role matrix over every registered route', (backend) => {
  let dir: TestDirectory;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    for (const role of builtinRoles) {
      const res = await dir.call('POST', '/api/v1/tokens', { name: `matrix-${role.key}`, role: role.key });
      expect(res.status, res.text).toBe(201);
      tokens[role.key] = res.body.token;
    }
  });
  afterAll(() => dir?.close());

  it('declares an access rule on every route, public only where expected', () => {
    expect(dir.server.routes.length).toBeGreaterThan(30);
    for (const route of dir.server.routes) {
      const name = `${route.method} ${route.url}`;
      if (route.access === 'public') expect(publicRoutes.has(name), `${name} is public`).toBe(true);
      else expect(route.access === 'authenticated' || isPermission(route.access), name).toBe(true);
    }
  });

  it('allows and denies each route for each built-in role exactly as its permissions say', async () => {
    const mismatches: string[] = [];
    for (const route of dir.server.routes) {
      if (route.access === 'public') continue;
      const path = route.url.replace(/:(\w+)/g, 'matrix-missing-$1');
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      const anonymous = await request(`${dir.url}${path}`, route.method, body);
      if (anonymous.status !== 401) mismatches.push(`${route.method} ${route.url} without a token: ${anonymous.status}`);
      for (const role of builtinRoles) {
        // Logging out would end nothing here (tokens have no session) but keep the walk side-effect free.
        const res = await request(`${dir.url}${path}`, route.method, body, { authorization: `Bearer ${tokens[role.key]}` });
        const allowed = route.access === 'authenticated' || (role.permissions as readonly string[]).includes(route.access);
        // Problem+json names the permission in `permission`; a SCIM error body in its detail.
        const named = route.url.startsWith('/scim/')
          ? String(res.body?.detail).includes(`"${route.access}"`)
          : res.body?.permission === route.access;
        const denied = res.status === 403 && named;
        if (allowed && (res.status === 403 || res.status === 401 || res.status >= 500))
          mismatches.push(
            `${role.key} ${route.method} ${route.url}: expected allowed, got ${res.status} ${res.text.slice(0, 120)}`,
          );
        if (!allowed && !denied) mismatches.push(`${role.key} ${route.method} ${route.url}: expected 403, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
