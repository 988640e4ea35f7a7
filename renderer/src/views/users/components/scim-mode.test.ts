/**
 * The users components on a plain SCIM backend (no admin API): they offer only what the server's
 * capabilities allow, say why a control is off, and send only what SCIM can store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { flushPromises } from '@vue/test-utils';
import type { ActiveConnection, ConnectionFeature } from '../../../../../common/connections';
import type { DirectoryOptions } from '../../../../../common/users/directory';
import { defaultFieldSchema } from '../../../../../common/users/fields';
import { scimUsersSupport } from '../../../../../common/users/scim';
import { useConnectionsStore } from '../../../stores/connections';
import { mountWithApp } from '../../../test/mount';
import { fakeUserdeck, makeUser } from '../../../test/users';
import UserFormDialog from './UserFormDialog.vue';
import UsersFilterBar from './UsersFilterBar.vue';
import UsersTable from './UsersTable.vue';

const allScim: ConnectionFeature[] = ['scimUsers', 'scimGroups', 'scimFilter', 'scimSort', 'scimPatch', 'scimEtag'];

function scimConnection(features: ConnectionFeature[] = allScim): ActiveConnection {
  return {
    id: 'c1',
    name: 'Plain SCIM',
    color: '#FB8C00',
    builtin: false,
    status: 'online',
    capabilities: { kind: 'scim', version: null, features, scimPath: '/scim/v2', limits: null, bulk: null },
    fieldSchema: defaultFieldSchema,
    identity: null,
    error: null,
    auth: { method: 'token' },
  };
}

const noOptions: DirectoryOptions = {
  roles: [],
  segments: [],
  badges: [],
  languages: [],
  customFields: [],
  licenses: null,
  trashRetentionDays: 0,
};
const noOffers = { groups: false, tags: false, segments: false, roles: false };

const field = (name: string) => document.querySelector<HTMLInputElement>(`[data-testid="field-${name}"] input`);
const errors = (name: string) =>
  [...document.querySelectorAll(`[data-testid="field-${name}"] .v-messages__message`)].map((m) => m.textContent?.trim());
async function type(name: string, value: string) {
  const input = field(name)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('blur'));
  await nextTick();
}
async function submit() {
  document.querySelector<HTMLElement>('[data-testid="form-submit"]')!.click();
  await flushPromises();
}

describe('the user form on plain SCIM', () => {
  function mountForm(props: Record<string, unknown>, handlers: Parameters<typeof fakeUserdeck>[0] = {}) {
    const fake = fakeUserdeck(handlers);
    const mounted = mountWithApp(UserFormDialog, {
      attachTo: document.body,
      props: { options: noOptions, schema: defaultFieldSchema, modelValue: true, ...props } as InstanceType<
        typeof UserFormDialog
      >['$props'],
    });
    useConnectionsStore().active = scimConnection();
    return { ...mounted, fake };
  }

  it('shows the core User’s fields only, requires only the userName and sends only those fields', async () => {
    const created = makeUser({ id: 's1', username: 'ada' });
    const { wrapper, fake } = mountForm({ mode: 'create' }, { 'users/create': () => ({ user: created, mailed: false }) });
    await nextTick();
    for (const shown of ['firstName', 'lastName', 'username', 'displayName', 'email', 'phone', 'active', 'password'])
      expect(document.querySelector(`[data-testid="field-${shown}"]`), shown).not.toBeNull();
    for (const hidden of [
      'maternalSurname',
      'officialCode',
      'language',
      'expiresAt',
      'external',
      'emailVerified',
      'roles',
      'after',
    ])
      expect(document.querySelector(`[data-testid="field-${hidden}"]`), hidden).toBeNull();
    expect(document.querySelector('[data-testid="field-email"] label')!.textContent).not.toContain('*');

    await submit();
    expect(errors('username')).toEqual(['Required.']);
    for (const optional of ['firstName', 'lastName', 'email', 'password']) expect(errors(optional), optional).toEqual([]);
    expect(fake.calls.some((c) => c.channel === 'users/create')).toBe(false);

    await type('username', 'ada');
    await type('email', 'ada@example.org');
    await submit();
    const call = fake.calls.find((c) => c.channel === 'users/create')!;
    expect(call.input).toEqual({
      user: {
        username: 'ada',
        firstName: '',
        lastName: '',
        displayName: null,
        email: 'ada@example.org',
        phone: null,
        active: true,
      },
      after: 'none',
    });
    wrapper.unmount();
  });

  it('edits with the resource’s ETag', async () => {
    const user = { ...makeUser({ id: 's1', username: 'ada', version: 4 }), scim: { etag: 'W/"4"', attributes: [] } };
    const { wrapper, fake } = mountForm(
      { mode: 'edit', user },
      { 'users/update': (input) => ({ ...user, ...(input as { patch: object }).patch }) },
    );
    await nextTick();
    await type('displayName', 'Countess');
    await submit();
    expect(fake.calls.find((c) => c.channel === 'users/update')!.input).toEqual({
      id: 's1',
      version: 4,
      etag: 'W/"4"',
      patch: { displayName: 'Countess' },
    });
    wrapper.unmount();
  });
});

describe('the filter bar on plain SCIM', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function mountBar(features: ConnectionFeature[]) {
    fakeUserdeck();
    return mountWithApp(UsersFilterBar, {
      attachTo: document.body,
      props: {
        query: {},
        options: noOptions,
        offers: noOffers,
        scim: scimUsersSupport(scimConnection(features).capabilities),
      },
    });
  }

  it('offers the status filter (active or inactive) and nothing the server cannot filter by', async () => {
    const { wrapper } = mountBar(allScim);
    await wrapper.get('[data-testid="filters-toggle"]').trigger('click');
    expect(wrapper.find('[data-testid="filter-status"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="filters-scim-note"]').text()).toBe('This SCIM server filters by status only.');
    for (const hidden of ['filter-verified', 'filter-connected', 'filter-enrollment', 'filter-external', 'filter-source'])
      expect(wrapper.find(`[data-testid="${hidden}"]`).exists(), hidden).toBe(false);
    expect(wrapper.find('[data-testid="users-search"] input').attributes('disabled')).toBeUndefined();
    wrapper.unmount();
  });

  it('turns the search and the filters off, saying why, on a server that cannot filter', () => {
    const { wrapper } = mountBar(['scimUsers']);
    expect(wrapper.find('[data-testid="users-search"] input').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="users-search"]').text()).toContain('This SCIM server cannot filter, so it cannot search.');
    expect(wrapper.find('[data-testid="filters-toggle"]').attributes('disabled')).toBeDefined();
    wrapper.unmount();
  });
});

describe('the table on plain SCIM', () => {
  it('has no row selection and offers activate or deactivate, never a ban', async () => {
    fakeUserdeck();
    const { wrapper } = mountWithApp(UsersTable, {
      attachTo: document.body,
      props: {
        items: [makeUser({ id: 'a' }), makeUser({ id: 'b', username: 'b', active: false, inactiveReason: 'manual' })],
        total: 2,
        loading: false,
        columns: [
          { key: 'username', title: 'Username', sortable: true },
          { key: 'status', title: 'Status', sortable: false },
        ],
        sort: { key: 'name', order: 'asc' },
        selected: [],
        roleNames: {},
        customFields: [],
        pageSize: 30,
        selectable: false,
        allowedStatusActions: ['activate', 'deactivate'],
      },
    });
    useConnectionsStore().active = scimConnection();
    await nextTick();
    expect(wrapper.findAll('input[type=checkbox]')).toHaveLength(0);
    const chips = wrapper.findAll('[data-testid="status-chip"]');
    await chips[0]!.trigger('click');
    await flushPromises();
    const menu = () =>
      [...document.querySelectorAll('[data-testid="status-menu"] .v-list-item')].map((i) => i.textContent?.trim());
    expect(menu()).toEqual(['Deactivate']);
    wrapper.unmount();
  });
});
