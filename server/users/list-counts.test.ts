import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

interface Listed {
  id: string;
  username: string;
  active: boolean;
  deletedAt: string | null;
  tags: string[];
  groups: { id: string; name: string }[];
  roles: string[];
}

const statuses = [undefined, 'active', 'inactive', 'trash'] as const;

// The totals of lists filtered by one tag, group or role (and a status) come from trigger-kept
// counters. Through every kind of write, they must stay equal to what the filter selects.
describeBackends('admin API: users list totals from the relation counters', (backend) => {
  let dir: TestDirectory;
  const ids: string[] = [];
  const groupIds: Record<string, string> = {};
  const roleKeys = ['auditor', 'helpdesk'];

  const everyone = async (): Promise<Listed[]> => {
    const out: Listed[] = [];
    for (const status of ['', '&status=trash']) {
      const res = await dir.call('GET', `/api/v1/users?pageSize=500${status}`);
      expect(res.status, res.text).toBe(200);
      out.push(...res.body.items);
    }
    return out;
  };
  const inStatus = (u: Listed, status: (typeof statuses)[number]) =>
    status === 'trash'
      ? u.deletedAt !== null
      : u.deletedAt === null && (status === undefined || u.active === (status === 'active'));

  /** Every single-relation filter with every counted status: counter total = selection = counted total. */
  const checkTotals = async () => {
    const users = await everyone();
    const filters: { query: string; holds: (u: Listed) => boolean }[] = [
      ...['t1', 'T2', 't3', 'nosuchtag'].flatMap((t) => [
        { query: `tags=${t}`, holds: (u: Listed) => u.tags.some((x) => x.toLowerCase() === t.toLowerCase()) },
        { query: `tags=${t}&tagsMode=all`, holds: (u: Listed) => u.tags.some((x) => x.toLowerCase() === t.toLowerCase()) },
        { query: `tags=${t}&tagsMode=missing`, holds: (u: Listed) => !u.tags.some((x) => x.toLowerCase() === t.toLowerCase()) },
      ]),
      { query: 'tagsMode=missing', holds: (u: Listed) => u.tags.length === 0 },
      ...Object.entries(groupIds).flatMap(([name, id]) => [
        { query: `group=${encodeURIComponent(name.toLowerCase())}`, holds: (u: Listed) => u.groups.some((g) => g.id === id) },
        { query: `group=${id}`, holds: (u: Listed) => u.groups.some((g) => g.id === id) },
      ]),
      { query: 'group=nosuchgroup', holds: () => false },
      ...roleKeys.map((r) => ({ query: `role=${r}`, holds: (u: Listed) => u.roles.includes(r) })),
    ];
    for (const filter of filters)
      for (const status of statuses) {
        const query = `${filter.query}${status ? `&status=${status}` : ''}`;
        const want = users.filter((u) => inStatus(u, status) && filter.holds(u)).length;
        const counted = await dir.call('GET', `/api/v1/users?${query}&pageSize=1`);
        expect(counted.status, counted.text).toBe(200);
        expect({ query, total: counted.body.total, exact: counted.body.totalExact }).toEqual({ query, total: want, exact: true });
        // The same filter with one more (always true) condition is counted row by row.
        const rowByRow = await dir.call('GET', `/api/v1/users?${query}&registeredFrom=1900-01-01&pageSize=500`);
        expect({ query, total: rowByRow.body.total, items: rowByRow.body.items.length }).toEqual({
          query,
          total: want,
          items: want,
        });
      }
  };

  beforeAll(async () => {
    dir = await startTestDirectory(backend);
    for (const name of ['G1', 'G2', 'G3']) {
      const res = await dir.call('POST', '/api/v1/groups', { name });
      expect(res.status, res.text).toBe(201);
      groupIds[name] = res.body.id;
    }
    const res = await dir.call('POST', '/api/v1/roles', { key: 'helpdesk', name: 'Helpdesk', permissions: ['users.read'] });
    expect(res.status, res.text).toBe(201);
    const rows = Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}`,
      action: 'create',
      user: {
        username: `u${i}`,
        email: `u${i}@example.org`,
        firstName: 'U',
        lastName: `N${i}`,
        active: i % 4 !== 0,
        tags: [...(i % 2 ? ['t1'] : []), ...(i % 3 ? ['T2'] : []), ...(i % 7 === 0 ? ['t3'] : [])],
        groups: [...(i % 5 ? ['G1'] : []), ...(i % 4 === 1 ? ['G2', 'G3'] : [])],
        roles: i % 6 === 0 ? ['auditor'] : i % 6 === 1 ? ['helpdesk'] : [],
      },
    }));
    const batch = await dir.call('POST', '/api/v1/users/batch', { rows });
    expect(batch.status, batch.text).toBe(200);
    for (const r of batch.body.results) {
      expect(r.status, JSON.stringify(r)).toBe('created');
      ids.push(r.userId);
    }
  });
  afterAll(() => dir?.close());

  it('after a bulk import', async () => {
    await checkTotals();
  });

  it('after relation and status changes of single users', async () => {
    const ok = async (call: Promise<{ status: number; text: string }>, status = 200) => {
      const res = await call;
      expect(res.status, res.text).toBe(status);
    };
    await ok(dir.call('PATCH', `/api/v1/users/${ids[1]}`, { tags: ['t3'], groups: ['G2'], roles: ['auditor'] }));
    await ok(dir.call('PATCH', `/api/v1/users/${ids[2]}`, { tags: [], groups: [], roles: [] }));
    await ok(dir.call('PATCH', `/api/v1/users/${ids[4]}`, { active: true }));
    await ok(dir.call('POST', `/api/v1/users/${ids[5]}/deactivate`, {}));
    await ok(dir.call('POST', `/api/v1/users/${ids[6]}/ban`, { reason: 'spam' }));
    for (const i of [7, 8, 9, 10]) await ok(dir.call('DELETE', `/api/v1/users/${ids[i]}`), 204);
    await ok(dir.call('POST', `/api/v1/users/${ids[7]}/restore`, {}));
    await ok(dir.call('DELETE', `/api/v1/trash/${ids[8]}`, { confirm: true }), 204);
    await ok(dir.call('POST', `/api/v1/users/${ids[11]}/anonymize`, { confirm: true }));
    await ok(dir.call('POST', `/api/v1/groups/${groupIds.G3}/members`, { userIds: [ids[12], ids[13]] }));
    await ok(dir.call('DELETE', `/api/v1/groups/${groupIds.G3}/members/${ids[1]}`), 204);
    await ok(dir.call('DELETE', `/api/v1/groups/${groupIds.G2}/members/${ids[5]}`), 204);
    await checkTotals();
  });

  it('after bulk jobs and deleted tags, groups and roles', async () => {
    const job = async (body: Record<string, unknown>) => {
      const res = await dir.call('POST', '/api/v1/jobs', body);
      expect(res.status, res.text).toBe(202);
      for (let i = 0; i < 600; i++) {
        const state = (await dir.call('GET', `/api/v1/jobs/${res.body.id}`)).body;
        if (state.status !== 'running') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the job did not finish');
    };
    await job({ action: 'addTags', params: { tags: ['t3'] }, filter: { group: 'G1', status: 'active' } });
    await job({ action: 'removeTags', params: { tags: ['t1'] }, filter: { tags: 't3' } });
    await job({ action: 'deactivate', filter: { tags: 'T2', status: 'active' } });
    await job({ action: 'delete', filter: { role: 'helpdesk' } });
    await checkTotals();
    const tags = (await dir.call('GET', '/api/v1/tags?q=t3')).body.items;
    expect((await dir.call('DELETE', `/api/v1/tags/${tags[0].id}`)).status).toBe(204);
    expect((await dir.call('DELETE', '/api/v1/roles/helpdesk')).status).toBe(204);
    roleKeys.splice(roleKeys.indexOf('helpdesk'), 1);
    await checkTotals();
    expect((await dir.call('POST', '/api/v1/trash/purge', { confirm: true })).status).toBe(200);
    await checkTotals();
    // A group is deleted once empty.
    await job({ action: 'removeGroups', params: { groups: ['G3'] }, filter: { group: 'G3' } });
    await checkTotals();
    expect((await dir.call('DELETE', `/api/v1/groups/${groupIds.G3}`)).status).toBe(204);
    delete groupIds.G3;
    await checkTotals();
  });
});
