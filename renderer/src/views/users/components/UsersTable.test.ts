import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { useConnectionsStore } from '../../../stores/connections';
import { mountWithApp } from '../../../test/mount';
import { activeConnection, customFields, makeUser } from '../../../test/users';
import UsersTable from './UsersTable.vue';

const columns = [
  { key: 'name', title: 'Name', sortable: true },
  { key: 'username', title: 'Username', sortable: true },
  { key: 'roles', title: 'Roles', sortable: false },
  { key: 'status', title: 'Status', sortable: false },
  { key: 'verification', title: 'Verification', sortable: false },
  { key: 'loginCount', title: 'Sign-ins', sortable: true },
  { key: 'tags', title: 'Tags', sortable: false },
  { key: 'cf.hired', title: 'Hired on', sortable: false },
  { key: 'cf.remote', title: 'Remote', sortable: false },
];

function mountTable(locale: 'en' | 'es' | 'fr' = 'en', permissions?: string[]) {
  const users = [
    makeUser(),
    makeUser({
      id: 'u2',
      username: 'zoe.martin',
      firstName: 'Zoë',
      lastName: 'Martin',
      active: false,
      inactiveReason: 'banned',
      tags: [],
      emailVerified: false,
    }),
    makeUser({ id: 'u3', username: 'ana.silva', firstName: 'Ana', lastName: 'Silva', customFields: {} }),
  ];
  const mounted = mountWithApp(UsersTable, {
    locale,
    attachTo: document.body,
    props: {
      items: users,
      total: 3,
      loading: false,
      columns,
      sort: { key: 'name', order: 'asc' as const },
      selected: [],
      roleNames: { user_group_admin: 'User and Group Admin' },
      customFields,
      pageSize: 30,
    },
  });
  useConnectionsStore().active = activeConnection(permissions);
  return { ...mounted, users };
}

describe('UsersTable', () => {
  it('shows each user as the server sent it, in the user language', async () => {
    const { wrapper } = mountTable('fr');
    await nextTick();
    const rows = wrapper.findAll('[data-testid="user-row"]');
    expect(rows.map((r) => r.attributes('data-id'))).toEqual(['u1', 'u2', 'u3']);
    const first = rows[0]!;
    expect(first.get('[data-testid="user-name"]').text()).toBe('José García');
    expect(first.get('[data-testid="cell-roles"]').text()).toBe('User and Group Admin');
    expect(first.get('[data-testid="cell-loginCount"]').text()).toBe(new Intl.NumberFormat('fr').format(1234));
    const tags = first.get('[data-testid="cell-tags"]');
    expect(tags.text()).toBe('2 étiquettes');
    expect(tags.attributes('title')).toBe('vip, beta');
    expect(first.get('[data-testid="cell-cf-hired"]').text()).toBe(
      new Intl.DateTimeFormat('fr', { dateStyle: 'medium' }).format(new Date(2020, 1, 29)),
    );
    expect(first.get('[data-testid="cell-cf-remote"]').text()).toBe('Oui');
    expect(first.get('[data-testid="cell-verified"]').text()).toBe('Vérifié');
    expect(rows[1]!.get('[data-testid="status-chip"]').attributes('data-state')).toBe('banned');
    expect(rows[1]!.get('[data-testid="status-chip"]').text()).toBe('Banni');
    expect(rows[2]!.get('[data-testid="cell-cf-hired"]').text()).toBe('');
    wrapper.unmount();
  });

  it('sorts from the headers: a new column ascending, the same column flips', async () => {
    const { wrapper } = mountTable();
    const header = (title: string) => wrapper.findAll('th').find((th) => th.text().startsWith(title))!;
    await header('Sign-ins').trigger('click');
    await header('Name').trigger('click');
    const sorts = wrapper.emitted('update:sort')!.map((e) => e[0]);
    expect(sorts[0]).toEqual({ key: 'loginCount', order: 'asc' });
    expect(sorts[1]).toEqual({ key: 'name', order: 'desc' });
    wrapper.unmount();
  });

  it('is used with the keyboard: arrows move, space selects, enter opens', async () => {
    const { wrapper, users } = mountTable();
    const rows = () => wrapper.findAll('[data-testid="user-row"]');
    (rows()[0]!.element as HTMLElement).focus();
    await rows()[0]!.trigger('keydown', { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rows()[1]!.element);
    await rows()[1]!.trigger('keydown', { key: 'End' });
    expect(document.activeElement).toBe(rows()[2]!.element);
    await rows()[2]!.trigger('keydown', { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows()[1]!.element);
    await rows()[1]!.trigger('keydown', { key: ' ' });
    expect(wrapper.emitted('update:selected')!.at(-1)).toEqual([['u2']]);
    await wrapper.setProps({ selected: ['u2'] });
    expect(rows()[1]!.attributes('aria-selected')).toBe('true');
    await rows()[1]!.trigger('keydown', { key: ' ' });
    expect(wrapper.emitted('update:selected')!.at(-1)).toEqual([[]]);
    await rows()[1]!.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('open')!.at(-1)).toEqual([users[1]]);
    wrapper.unmount();
  });

  it('changes a status from the row, asking a reason for a ban', async () => {
    const { wrapper, users } = mountTable();
    await wrapper.findAll('[data-testid="status-chip"]')[0]!.trigger('click');
    await nextTick();
    const items = () => [...document.querySelectorAll<HTMLElement>('[data-testid="status-menu"] [data-testid^="status-"]')];
    expect(items().map((i) => i.dataset.testid)).toEqual(['status-deactivate', 'status-ban']);
    items()[0]!.click();
    expect(wrapper.emitted('status')!.at(-1)).toEqual([users[0], 'deactivate']);

    await wrapper.findAll('[data-testid="status-chip"]')[0]!.trigger('click');
    await nextTick();
    items()[1]!.click();
    await nextTick();
    const reason = document.querySelector<HTMLTextAreaElement>('[data-testid="reason-input"] textarea')!;
    reason.value = 'Spam';
    reason.dispatchEvent(new Event('input'));
    await nextTick();
    document.querySelector<HTMLElement>('[data-testid="reason-confirm"]')!.click();
    await nextTick();
    expect(wrapper.emitted('status')!.at(-1)).toEqual([users[0], 'ban', 'Spam']);
    wrapper.unmount();
  });

  it('disables status changes with the reason when the role may not update users', async () => {
    const { wrapper } = mountTable('en', ['users.read']);
    await nextTick();
    await wrapper.findAll('[data-testid="status-chip"]')[0]!.trigger('click');
    await nextTick();
    const item = document.querySelector<HTMLElement>('[data-testid="status-deactivate"]')!;
    expect(item.classList.contains('v-list-item--disabled')).toBe(true);
    expect(item.textContent).toContain('it needs the “users.update” permission');
    wrapper.unmount();
  });
});
