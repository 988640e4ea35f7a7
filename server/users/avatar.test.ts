import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

/** A real 1×1 PNG, and the same bytes claimed to be a JPEG. */
const png =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const lyingJpeg = png.replace('image/png', 'image/jpeg');

describeBackends('user avatars', (backend) => {
  let dir: TestDirectory;
  let id: string;
  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    const created = await dir.call('POST', '/api/v1/users', {
      username: 'pic.user',
      email: 'pic@example.org',
      firstName: 'Pic',
      lastName: 'User',
    });
    id = created.body.id;
  });
  afterAll(() => dir.close());

  it('sets the picture with If-Match, shows it inline, logs the change and removes it again', async () => {
    const set = await dir.call('PUT', `/api/v1/users/${id}/avatar`, { image: png }, { 'if-match': 'W/"1"' });
    expect(set.status).toBe(200);
    expect(set.body.avatarUrl).toBe(png);
    expect(set.headers.get('etag')).toBe('W/"2"');
    const stale = await dir.call('PUT', `/api/v1/users/${id}/avatar`, { image: png }, { 'if-match': 'W/"1"' });
    expect(stale.status).toBe(412);
    const log = await dir.call('GET', `/api/v1/activity?pageSize=5`);
    expect(
      log.body.items.some(
        (e: { action: string; data: { fields?: string[] } }) => e.action === 'user.updated' && e.data?.fields?.includes('avatar'),
      ),
    ).toBe(true);
    const removed = await dir.call('DELETE', `/api/v1/users/${id}/avatar`);
    expect(removed.status).toBe(200);
    expect(removed.body.avatarUrl).toBeNull();
  });

  it('refuses what is not a small PNG, JPEG or WebP image', async () => {
    for (const image of [
      lyingJpeg,
      'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
      'https://example.org/me.png',
      `data:image/png;base64,${'A'.repeat(180_000)}`,
    ]) {
      const refused = await dir.call('PUT', `/api/v1/users/${id}/avatar`, { image });
      expect(refused.status, image.slice(0, 30)).toBe(400);
      expect(refused.body.errors[0].field).toBe('image');
    }
    const auditor = await dir.call('PUT', `/api/v1/users/nobody/avatar`, { image: png });
    expect(auditor.status).toBe(404);
  });
});
