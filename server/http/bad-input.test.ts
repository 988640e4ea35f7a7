import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminToken, describeBackends, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

/** Sends raw bytes, for requests fetch refuses to build (a raw non-ASCII URL). */
function raw(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(Buffer.from(text, 'utf8')));
    let out = '';
    socket.on('data', (c) => (out += c.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

describeBackends('bad input never gives a 500 or a hang', (backend) => {
  let dir: TestDirectory;
  const auth = { authorization: `Bearer ${adminToken}` };
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
  });
  afterAll(() => dir?.close());

  const both = [
    ['/api/v1/users', 'application/json'],
    ['/scim/v2/Users', 'application/scim+json'],
  ] as const;

  it('answers malformed JSON with a clear 400 in each API style', async () => {
    for (const [path, type] of both) {
      const res = await request(`${dir.url}${path}`, 'POST', '{"username": "x",', { ...auth, 'content-type': type });
      expect(res.status).toBe(400);
      if (path.startsWith('/scim')) {
        expect(res.headers.get('content-type')).toContain('application/scim+json');
        expect(res.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      } else {
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 400, code: 'invalidJson' });
      }
      expect(res.body.detail).toContain('not valid JSON');
    }
  });

  it('refuses invalid UTF-8, absurd nesting, huge bodies and foreign content types', async () => {
    for (const [path, type] of both) {
      const bad = Buffer.concat([Buffer.from('{"userName": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
      const utf = await request(`${dir.url}${path}`, 'POST', new Uint8Array(bad), { ...auth, 'content-type': type });
      expect(utf.status).toBe(400);
      expect(utf.body.detail).toContain('UTF-8');
      const deep = await request(`${dir.url}${path}`, 'POST', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, {
        ...auth,
        'content-type': type,
      });
      expect(deep.status).toBe(400);
      expect(deep.body.detail).toContain('nests deeper');
      const huge = await request(`${dir.url}${path}`, 'POST', JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024) }), {
        ...auth,
        'content-type': type,
      });
      expect(huge.status).toBe(413);
      const text = await request(`${dir.url}${path}`, 'POST', 'username=x', { ...auth, 'content-type': 'text/plain' });
      expect(text.status).toBe(415);
    }
  });

  it('names the field of wrong types and unknown attributes', async () => {
    const admin = await dir.call('POST', '/api/v1/users', {
      username: 42,
      email: ['a'],
      firstName: 'A',
      lastName: 'B',
      extra: 1,
    });
    expect(admin.status).toBe(400);
    const fields = admin.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['username', 'email', 'extra']));
    const query = await dir.call('GET', '/api/v1/users?pageSize=abc&sort=height');
    expect(query.status).toBe(400);
    expect(query.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['query.pageSize', 'query.sort']),
    );
    const array = await dir.call('POST', '/api/v1/users', [1, 2, 3]);
    expect(array.status).toBe(400);
    const scim = await dir.call(
      'POST',
      '/scim/v2/Users',
      { userName: 'x', name: 'not an object' },
      { 'content-type': 'application/scim+json' },
    );
    expect(scim.status).toBe(400);
    expect(scim.body.detail).toContain('name');
    const batch = await dir.call('POST', '/api/v1/users/batch', { rows: [{ key: 'a', action: 'explode', user: {} }] });
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0].field).toBe('rows.0.action');
  });

  it('limits filters by length and nesting, and survives hostile query strings', async () => {
    const deep = await dir.call(
      'GET',
      `/scim/v2/Users?filter=${encodeURIComponent(`${'not ('.repeat(200)}userName eq "a"${')'.repeat(200)}`)}`,
    );
    expect(deep.status).toBe(400);
    expect(deep.body.scimType).toBe('invalidFilter');
    const longFilter = `userName eq "a"${' or userName eq "a"'.repeat(1000)}`;
    const long = await dir.call(
      'POST',
      '/scim/v2/Users/.search',
      { filter: longFilter },
      { 'content-type': 'application/scim+json' },
    );
    expect(long.status).toBe(400);
    expect(long.body.detail).toContain('longer than 4096');
    // Past Node's 16 KiB header limit the request line itself is refused, still with a clear body.
    const longUrl = await dir.call('GET', `/scim/v2/Users?filter=${encodeURIComponent(longFilter)}`);
    expect(longUrl.status).toBe(431);
    expect(longUrl.body.detail).toContain('malformed');
    const search = await dir.call('GET', `/api/v1/users?q=${encodeURIComponent('"\'%_\\*();--')}`);
    expect(search.status).toBe(200);
    const longQ = await dir.call('GET', `/api/v1/users?q=${'a'.repeat(300)}`);
    expect(longQ.status).toBe(400);
    const badEscape = await dir.call('GET', '/api/v1/users?q=%E0%A4%A');
    expect(badEscape.status).toBeLessThan(500);
    const rawUrl = await raw(
      dir.url,
      `GET /api/v1/users?q=café HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${adminToken}\r\n\r\n`,
    );
    expect(rawUrl).toMatch(/^HTTP\/1\.1 (200|400)/);
    expect(rawUrl).not.toMatch(/^HTTP\/1\.1 5/);
  });

  it('answers unknown routes and methods with the API style of their prefix', async () => {
    const admin = await dir.call('GET', '/api/v1/nothing-here');
    expect(admin.status).toBe(404);
    expect(admin.headers.get('content-type')).toContain('application/problem+json');
    const scim = await dir.call('GET', '/scim/v2/Widgets');
    expect(scim.status).toBe(404);
    expect(scim.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });
});
