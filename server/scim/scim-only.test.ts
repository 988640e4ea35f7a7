import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

describeBackends('a SCIM-only server (adminApi: false)', (backend) => {
  let dir: TestDirectory;
  beforeAll(async () => {
    dir = await startTestDirectory(backend, { adminApi: false });
  });
  afterAll(() => dir?.close());

  it('serves SCIM with the bootstrap token and no admin API at all', async () => {
    const created = await dir.call(
      'POST',
      '/scim/v2/Users',
      { userName: 'plain.scim' },
      { 'content-type': 'application/scim+json' },
    );
    expect(created.status).toBe(201);
    expect((await dir.call('GET', '/scim/v2/Users')).body.totalResults).toBe(1);
    for (const path of ['/api/v1/users', '/api/v1/capabilities', '/api/v1/openapi.json']) {
      const res = await dir.call('GET', path);
      expect(res.status, path).toBe(404);
    }
    expect(dir.server.routes.every((r) => r.url.startsWith('/scim/v2'))).toBe(true);
  });
});
