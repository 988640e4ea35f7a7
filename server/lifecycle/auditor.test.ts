import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('the Auditor', (backend) => {
  let dir: TestDirectory;
  let auditor: string;
  let userId: string;
  let version: number;
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    auditor = (await dir.call('POST', '/api/v1/tokens', { name: 'auditor', role: 'auditor' })).body.token;
    const user = (
      await dir.call('POST', '/api/v1/users', {
        username: 'target',
        email: 'target@example.org',
        firstName: 'Tar',
        lastName: 'Get',
      })
    ).body;
    userId = user.id;
    version = user.version;
  });
  afterAll(() => dir?.close());

  it('is refused every write of the admin API, naming the missing permission, and changes nothing', async () => {
    const nonGet = dir.server.routes.filter(
      (r) => r.method !== 'GET' && r.url.startsWith('/api/v1/') && r.access !== 'public' && r.access !== 'authenticated',
    );
    // A POST that only reads (a lookup by a list of names) is no write.
    expect(nonGet.filter((r) => r.access.endsWith('.read')).map((r) => r.url)).toEqual(['/api/v1/users/lookup']);
    const writes = nonGet.filter((r) => !r.access.endsWith('.read'));
    expect(writes.length).toBeGreaterThan(50);
    const allowed: string[] = [];
    for (const route of writes) {
      const path = route.url.replace(':id', userId).replace(/:(\w+)/g, 'x');
      const res = await request(
        `${dir.url}${path}`,
        route.method,
        { confirm: true, reason: 'audit', action: 'delete', userIds: [userId] },
        {
          authorization: `Bearer ${auditor}`,
        },
      );
      if (res.status !== 403 || res.body?.permission !== route.access)
        allowed.push(`${route.method} ${route.url}: ${res.status}`);
    }
    expect(allowed).toEqual([]);
    const after = (await dir.call('GET', `/api/v1/users/${userId}`)).body;
    expect(after).toMatchObject({ version, active: true, deletedAt: null, anonymizedAt: null });
    // Yet every read is open to it.
    for (const path of [
      '/api/v1/users',
      `/api/v1/users/${userId}/activity`,
      '/api/v1/jobs',
      '/api/v1/outbox',
      '/api/v1/stats',
      '/api/v1/settings',
      '/api/v1/trash',
    ])
      expect((await request(`${dir.url}${path}`, 'GET', undefined, { authorization: `Bearer ${auditor}` })).status, path).toBe(
        200,
      );
  });
});
