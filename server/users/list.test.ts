import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClock } from '../../tests/helpers/clock';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

// Each suite runs twice: pages read from the filters' indexes (sparse results) and in sort order
// with each row checked (dense results, sparseLimit 0).
for (const sparseLimit of [2000, 0])
  describeBackends(`admin API: users list (sparseLimit ${sparseLimit})`, (backend) => {
    let dir: TestDirectory;
    const clock = new TestClock();
    const ids: Record<string, string> = {};
    const names = (res: { body: { items: { username: string }[] } }) => res.body.items.map((u) => u.username);
    const list = (query: string) => dir.call('GET', `/api/v1/users?${query}`);

    beforeAll(async () => {
      dir = await startTestDirectory(backend, { clock, limits: { sparseLimit } });
      await dir.call('POST', '/api/v1/custom-fields', {
        key: 'dept',
        label: 'Department',
        type: 'select',
        options: ['Sales', 'R&D'],
      });
      await dir.call('POST', '/api/v1/custom-fields', { key: 'level', label: 'Level', type: 'number' });
      await dir.call('POST', '/api/v1/custom-fields', { key: 'motto', label: 'Motto', type: 'text' });
      const create = async (at: string, user: Record<string, unknown>) => {
        clock.set(at);
        const res = await dir.call('POST', '/api/v1/users', user);
        expect(res.status, res.text).toBe(201);
        ids[user.username as string] = res.body.id;
      };
      await create('2020-01-10T10:00:00Z', {
        username: 'alice',
        email: 'alice@example.org',
        firstName: 'Alice',
        lastName: 'Martin',
        tags: ['a', 'b'],
        groups: ['G1'],
        roles: ['auditor'],
        emailVerified: true,
        external: true,
        password: 'alice-password',
        customFields: { dept: 'Sales', level: 3, motto: 'Carpe diem' },
      });
      await create('2021-06-01T10:00:00Z', {
        username: 'bob',
        email: 'bob@example.org',
        firstName: 'Bob',
        lastName: 'Müller',
        tags: ['a'],
        groups: ['G2'],
        active: false,
        customFields: { dept: 'R&D', level: 7 },
      });
      await create('2022-03-03T10:00:00Z', {
        username: 'chloe',
        email: 'chloe@example.org',
        firstName: 'Chloé',
        lastName: 'Dubois',
        groups: ['G1'],
        password: 'chloe-password',
      });
      await create('2023-01-01T10:00:00Z', {
        username: 'li.wei',
        email: 'wei@example.cn',
        firstName: '伟',
        lastName: '李',
        tags: ['b'],
      });
      clock.set('2024-05-01T08:00:00Z');
      expect((await dir.call('POST', '/api/v1/auth/login', { username: 'alice', password: 'alice-password' })).status).toBe(200);
      clock.set('2024-06-01T08:00:00Z');
      await dir.call('POST', '/api/v1/auth/login', { username: 'chloe', password: 'chloe-password' });
      await dir.call('POST', '/api/v1/auth/login', { username: 'chloe', password: 'chloe-password' });
      for (let i = 0; i < 25; i++) {
        clock.set(`2019-01-01T00:00:${String(i).padStart(2, '0')}Z`);
        await dir.call('POST', '/api/v1/users', {
          username: `page${String(i).padStart(2, '0')}`,
          email: `page${i}@example.net`,
          firstName: 'Pat',
          lastName: `Zz${String(i).padStart(2, '0')}`,
          tags: ['paged'],
        });
      }
    });
    afterAll(() => dir?.close());

    it('answers {items, total, page, pageSize} with 30 a page by default', async () => {
      const res = await list('');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 29, page: 1, pageSize: 30, totalExact: true });
      expect(res.body.items).toHaveLength(29);
    });

    it('filters by status, verification, role, group, external and source', async () => {
      expect(names(await list('status=inactive'))).toEqual(['bob']);
      expect(names(await list('status=active&group=G1'))).toEqual(['chloe', 'alice']);
      expect(names(await list('verified=true'))).toEqual(['alice']);
      expect(names(await list('role=auditor'))).toEqual(['alice']);
      expect(names(await list('group=g2'))).toEqual(['bob']);
      expect(names(await list(`group=${ids.alice ? '' : ''}G1,G2&sort=username`))).toEqual(['alice', 'bob', 'chloe']);
      expect(names(await list('external=true'))).toEqual(['alice']);
      expect((await list('source=manual')).body.total).toBe(29);
      expect((await list('role=nosuchrole')).status).toBe(400);
    });

    it('filters tags with all, any and missing', async () => {
      expect(names(await list('tags=a,b&tagsMode=all'))).toEqual(['alice']);
      expect(names(await list('tags=a,b&tagsMode=any&sort=username'))).toEqual(['alice', 'bob', 'li.wei']);
      expect(names(await list('tags=a&tagsMode=missing&pageSize=3&sort=username'))).toEqual(['chloe', 'li.wei', 'page00']);
      expect(names(await list('tagsMode=missing'))).toEqual(['chloe']);
    });

    it('filters registration and last-login ranges, connection and enrollment', async () => {
      expect(names(await list('registeredFrom=2021-01-01&registeredTo=2022-12-31&sort=createdAt'))).toEqual(['bob', 'chloe']);
      expect(names(await list('registeredTo=2020-01-10&sort=createdAt&pageSize=1&order=desc'))).toEqual(['alice']);
      expect(names(await list('lastLoginFrom=2024-05-15'))).toEqual(['chloe']);
      expect(names(await list('connected=ever&sort=lastLoginAt&order=desc'))).toEqual(['chloe', 'alice']);
      expect((await list('connected=never')).body.total).toBe(27);
      expect(names(await list('enrollment=joined&sort=loginCount&order=desc'))).toEqual(['chloe', 'alice']);
      expect((await list('registeredFrom=not-a-date')).status).toBe(400);
    });

    it('filters custom fields by value and range', async () => {
      expect(names(await list('cf.dept=sales'))).toEqual(['alice']);
      expect(names(await list('cf.level=5..10'))).toEqual(['bob']);
      expect(names(await list('cf.level=..3'))).toEqual(['alice']);
      expect(names(await list('cf.motto=&tags=a'))).toEqual(['bob']);
      const unknown = await list('cf.nothing=1');
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].field).toBe('cf.nothing');
      expect((await list('cf.level=abc')).status).toBe(400);
    });

    it('searches names, usernames, emails and custom text, accent-blind, long and short terms', async () => {
      expect(names(await list('q=muller'))).toEqual(['bob']);
      expect(names(await list('q=CHLOÉ'))).toEqual(['chloe']);
      expect(names(await list('q=carpe'))).toEqual(['alice']);
      expect(names(await list('q=example.cn'))).toEqual(['li.wei']);
      expect(names(await list('q=李'))).toEqual(['li.wei']);
      expect(names(await list('q=alice martin'))).toEqual(['alice']);
      expect(names(await list('q=bo'))).toEqual(['bob']);
      expect(names(await list('q=d'))).toEqual(['chloe']);
      expect(names(await list('q=100%25'))).toEqual([]);
    });

    it('sorts by name, registration, last login and login count', async () => {
      expect(names(await list('q=example.org&sort=name'))).toEqual(['chloe', 'alice', 'bob']);
      expect(names(await list('q=example.org&sort=name&order=desc'))).toEqual(['bob', 'alice', 'chloe']);
      expect(names(await list('q=example.org&sort=createdAt&order=desc'))).toEqual(['chloe', 'bob', 'alice']);
      expect(names(await list('q=example.org&sort=loginCount&order=desc'))).toEqual(['chloe', 'alice', 'bob']);
      expect((await list('sort=shoeSize')).status).toBe(400);
    });

    it('pages by page number and by keyset cursor, forwards and back', async () => {
      const all = names(await list('tags=paged&pageSize=100'));
      expect(all).toHaveLength(25);
      const p2 = await list('tags=paged&pageSize=10&page=2');
      expect(names(p2)).toEqual(all.slice(10, 20));
      const first = await list('tags=paged&pageSize=10');
      expect(first.body.prevCursor).toBeNull();
      const second = await list(`tags=paged&pageSize=10&cursor=${first.body.nextCursor}`);
      expect(names(second)).toEqual(all.slice(10, 20));
      const third = await list(`tags=paged&pageSize=10&cursor=${second.body.nextCursor}`);
      expect(names(third)).toEqual(all.slice(20));
      expect(third.body.nextCursor).toBeNull();
      const back = await list(`tags=paged&pageSize=10&cursor=${third.body.prevCursor}`);
      expect(names(back)).toEqual(all.slice(10, 20));
      const mismatch = await list(`tags=paged&pageSize=10&sort=createdAt&cursor=${first.body.nextCursor}`);
      expect(mismatch.status).toBe(400);
      expect((await list('cursor=garbage')).status).toBe(400);
      // Descending by last login, with the never-connected users last.
      const desc1 = await list('sort=lastLoginAt&order=desc&pageSize=2');
      expect(names(desc1)).toEqual(['chloe', 'alice']);
      const desc2 = await list(`sort=lastLoginAt&order=desc&pageSize=2&cursor=${desc1.body.nextCursor}`);
      expect(desc2.body.items).toHaveLength(2);
      expect(desc2.body.items.every((u: { lastLoginAt: string | null }) => u.lastLoginAt === null)).toBe(true);
    });

    it('reports a capped total when counting would be too long', async () => {
      const capped = await startTestDirectory(backend, { limits: { countLimit: 2 } });
      try {
        for (const n of [1, 2, 3])
          await capped.call('POST', '/api/v1/users', {
            username: `c${n}`,
            email: `c${n}@x.org`,
            firstName: 'C',
            lastName: 'C',
            tags: ['t'],
          });
        const res = await capped.call('GET', '/api/v1/users?tags=t&verified=false');
        expect(res.body).toMatchObject({ total: 2, totalExact: false });
        expect(res.body.items).toHaveLength(3);
        // One tag (and a status): the trigger-kept counters hold the exact total, whatever its size.
        expect((await capped.call('GET', '/api/v1/users?tags=t')).body).toMatchObject({ total: 3, totalExact: true });
        expect((await capped.call('GET', '/api/v1/users?tags=t&status=active')).body).toMatchObject({
          total: 3,
          totalExact: true,
        });
        const short = await capped.call('GET', '/api/v1/users?q=c');
        expect(short.body).toMatchObject({ total: 2, totalExact: false });
        expect(short.body.items).toHaveLength(3);
        const unfiltered = await capped.call('GET', '/api/v1/users');
        expect(unfiltered.body).toMatchObject({ total: 3, totalExact: true });
      } finally {
        await capped.close();
      }
    });

    // Last: it adds users the counts above do not expect.
    it('filters enrollment: invited (sent or lapsed, never signed in), not possible, none, joined', async () => {
      clock.set('2025-01-01T00:00:00Z');
      const make = async (username: string, extra: Record<string, unknown> = {}) => {
        const res = await dir.call('POST', '/api/v1/users', {
          username,
          email: `${username}@enrol.example`,
          firstName: 'En',
          lastName: 'Rol',
          tags: ['enrol'],
          roles: ['end_user'],
          ...extra,
        });
        expect(res.status, res.text).toBe(201);
        return res.body.id as string;
      };
      const invite = async (id: string) => expect((await dir.call('POST', `/api/v1/users/${id}/invite`, {})).status).toBe(200);
      await invite(await make('enrol.lapsed'));
      clock.advance(25 * 3600_000);
      expect((await dir.call('POST', '/api/v1/sweeps', {})).body.invitationsExpired).toBe(1);
      await invite(await make('enrol.sent'));
      await invite(await make('enrol.joined', { password: 'joined-password-1' }));
      expect(
        (await dir.call('POST', '/api/v1/auth/login', { username: 'enrol.joined', password: 'joined-password-1' })).status,
      ).toBe(200);
      await make('enrol.plain');
      // SCIM may provision a user without an email: nobody can invite them.
      const scim = await dir.call(
        'POST',
        '/scim/v2/Users',
        {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'enrol.nomail',
          'urn:userdeck:scim:schemas:extension:2.0:User': { tags: ['enrol'] },
        },
        { 'content-type': 'application/scim+json' },
      );
      expect(scim.status, scim.text).toBe(201);

      const enrolled = async (value: string) => names(await list(`enrollment=${value}&tags=enrol&sort=username`));
      expect(await enrolled('invited')).toEqual(['enrol.lapsed', 'enrol.sent']);
      expect(await enrolled('notPossible')).toEqual(['enrol.nomail']);
      expect(await enrolled('none')).toEqual(['enrol.plain']);
      expect(await enrolled('joined')).toEqual(['enrol.joined']);
      // Without the tag: read in sort order (or from the enrollment index), the same answers.
      expect(names(await list('enrollment=invited&sort=username'))).toEqual(['enrol.lapsed', 'enrol.sent']);
      expect((await list('enrollment=notPossible')).body).toMatchObject({ total: 1, items: [{ username: 'enrol.nomail' }] });
      expect((await list('enrollment=sometimes')).status).toBe(400);
    });
  });
