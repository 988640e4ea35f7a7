/**
 * The users list when the list call fails: the typed error is shown, translated, in place of the
 * rows, and its retry asks again, through a fake `window.userdeck` (the preload boundary).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, type VueWrapper } from '@vue/test-utils';
import type { AppErrorData } from '../../../../common/errors';
import { useConnectionsStore } from '../../stores/connections';
import { mountWithApp } from '../../test/mount';
import { activeConnection, fakeUserdeck, makeUser, options } from '../../test/users';
import UsersView from './UsersView.vue';

const page = {
  items: [makeUser(), makeUser({ id: 'u2', username: 'ana.silva', firstName: 'Ana', lastName: 'Silva' })],
  total: 2,
  totalExact: true,
  nextCursor: null,
  prevCursor: null,
};

/** Mounts the view on the users route; `answers` are the list call's successive answers. */
async function mountView(answers: (AppErrorData | typeof page)[], locale: 'en' | 'es' | 'fr' = 'en') {
  const remaining = [...answers];
  const fake = fakeUserdeck({
    'users/list': () => {
      const answer = remaining.shift() ?? page;
      if ('code' in answer) throw answer;
      return answer;
    },
    'users/options': () => options,
    'users/views': () => ({ views: [], columns: null }),
    'users/searchTags': () => [],
    'users/searchGroups': () => [],
    'api/cancel': () => null,
  });
  const mounted = mountWithApp(UsersView, { locale, attachTo: document.body });
  await mounted.router.push({ name: 'users', query: { status: 'banned' } });
  useConnectionsStore().active = activeConnection();
  await flushPromises();
  wrappers.push(mounted.wrapper);
  return { ...mounted, fake };
}
const wrappers: VueWrapper[] = [];
afterEach(() => {
  for (const wrapper of wrappers.splice(0)) wrapper.unmount();
  document.body.innerHTML = '';
});

const listCalls = (fake: ReturnType<typeof fakeUserdeck>) =>
  fake.calls.filter((c) => c.channel === 'users/list').map((c) => (c.input as { query: unknown }).query);

describe('UsersView error state', () => {
  it('shows the typed error instead of rows, and retry loads the same query again', async () => {
    const { wrapper, fake } = await mountView([{ code: 'timeout', key: 'errors.timeout', params: {} }]);
    const error = wrapper.find('[data-testid="users-error"]');
    expect(error.exists()).toBe(true);
    expect(error.text()).toContain('The server took too long to answer.');
    // Announced by screen readers as it appears.
    expect(error.find('[role="alert"]').exists()).toBe(true);
    expect(wrapper.findAll('[data-testid="user-row"]')).toHaveLength(0);
    // Not mistaken for an empty directory.
    expect(wrapper.text()).not.toContain('No user matches');
    const [first, ...others] = listCalls(fake);
    expect(first).toMatchObject({ status: 'banned' });
    expect(others).toEqual([]);

    await wrapper.get('[data-testid="users-retry"]').trigger('click');
    await flushPromises();
    expect(listCalls(fake)).toEqual([first, first]);
    expect(wrapper.find('[data-testid="users-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="user-row"]').map((r) => r.attributes('data-id'))).toEqual(['u1', 'u2']);
  });

  it('says what went wrong each time, in the user language, with its parameters', async () => {
    const { wrapper } = await mountView(
      [
        { code: 'unreachable', key: 'errors.unreachable', params: {} },
        { code: 'validation', key: 'errors.validation', params: { field: 'status' } },
      ],
      'fr',
    );
    expect(wrapper.get('[data-testid="users-error"]').text()).toContain('Le serveur est injoignable.');
    await wrapper.get('[data-testid="users-retry"]').trigger('click');
    await flushPromises();
    // Still failing: the new reason replaces the old one, and retry is still there.
    const error = wrapper.get('[data-testid="users-error"]');
    expect(error.text()).not.toContain('injoignable');
    expect(error.text()).toContain('status');
    expect(wrapper.get('[data-testid="users-retry"]').text()).toBe('Réessayer');
    await wrapper.get('[data-testid="users-retry"]').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="users-error"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="user-row"]')).toHaveLength(2);
  });
});
