/**
 * The bulk action dialog, action by action: what it asks, and the job request it sends to the
 * preview and to the start, through a fake `window.userdeck` (the preload boundary).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { flushPromises } from '@vue/test-utils';
import type { Job, JobAction, JobPreview } from '../../../../../common/api/lifecycle';
import { isDestructive, type JobTarget } from '../../../../../common/users/directory';
import { useConnectionsStore } from '../../../stores/connections';
import { mountWithApp } from '../../../test/mount';
import { activeConnection, fakeUserdeck, makeUser, options } from '../../../test/users';
import BulkActionDialog from './BulkActionDialog.vue';

const dialogOptions = { ...options, badges: [{ key: 'pioneer', name: 'Pioneer' }] } as typeof options;
const target: JobTarget = { ids: ['u1', 'u2'] };

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector);
const overlayItems = () => [...document.querySelectorAll<HTMLElement>('.v-overlay--active .v-list-item')];

async function typeInto(testid: string, value: string) {
  const input = $<HTMLInputElement>(`[data-testid="${testid}"] input, [data-testid="${testid}"] textarea`)!;
  input.value = value;
  input.dispatchEvent(new Event('input'));
  await flushPromises();
}

/** Opens a select or autocomplete as a pointer does and clicks the options with these titles. */
async function pick(testid: string, titles: string[]) {
  $(`[data-testid="${testid}"] .v-field`)!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
  await flushPromises();
  for (const title of titles) {
    const item = overlayItems().find((i) => i.querySelector('.v-list-item-title')?.textContent?.trim() === title);
    expect(item, `${testid}: ${title} among ${overlayItems().map((i) => i.textContent)}`).toBeDefined();
    item!.click();
    await flushPromises();
  }
}

/** A new tag, typed then entered, as the combobox creates them. */
async function enterTag(testid: string, tag: string) {
  const input = $<HTMLInputElement>(`[data-testid="${testid}"] input`)!;
  input.focus();
  input.value = tag;
  input.dispatchEvent(new Event('input'));
  await nextTick();
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  await flushPromises();
}

interface Case {
  /** What the admin fills in before the preview (nothing: the preview comes at once). */
  fill?: () => Promise<void>;
  params: Record<string, unknown>;
}

const cases: Record<Exclude<JobAction, 'purge' | 'revokeBadge'>, Case> = {
  activate: { params: {} },
  deactivate: { params: {} },
  ban: { fill: () => typeInto('bulk-reason', '  Spam from these accounts '), params: { reason: 'Spam from these accounts' } },
  delete: { fill: () => pick('bulk-fallback-owner', ['Olga Owner (olga.owner)']), params: { fallbackOwnerId: 'owner1' } },
  restore: { params: {} },
  anonymize: { params: { confirm: true } },
  addTags: {
    fill: async () => {
      await enterTag('bulk-list', 'brand-new');
      await pick('bulk-list', ['vip']);
    },
    params: { tags: ['brand-new', 'vip'] },
  },
  removeTags: { fill: () => pick('bulk-list', ['beta']), params: { tags: ['beta'] } },
  addGroups: { fill: () => pick('bulk-list', ['Team 01', 'Support']), params: { groups: ['Team 01', 'Support'] } },
  removeGroups: { fill: () => pick('bulk-list', ['Support']), params: { groups: ['Support'] } },
  addRoles: { fill: () => pick('bulk-list', ['Administrator']), params: { roles: ['administrator'] } },
  removeRoles: {
    fill: () => pick('bulk-list', ['User and Group Admin', 'Administrator']),
    params: { roles: ['user_group_admin', 'administrator'] },
  },
  setLanguage: { fill: () => pick('bulk-single', ['Español (es)']), params: { language: 'es' } },
  grantBadge: { fill: () => pick('bulk-single', ['Pioneer']), params: { badge: 'pioneer' } },
  invite: { params: {} },
  resetPassword: { params: {} },
  assignLicense: { fill: () => typeInto('bulk-license', ' premium '), params: { license: 'premium' } },
  releaseLicense: { params: {} },
  export: { fill: () => pick('bulk-columns', ['Username', 'Email']), params: { columns: ['username', 'email'] } },
};

function mountDialog(action: JobAction, preview: Partial<JobPreview> = {}) {
  const fake = fakeUserdeck({
    'users/searchTags': () => ['vip', 'beta'],
    'users/searchGroups': () => [
      { id: 'g1', name: 'Team 01' },
      { id: 'g2', name: 'Support' },
    ],
    'users/list': () => ({
      items: [makeUser({ id: 'owner1', username: 'olga.owner', firstName: 'Olga', lastName: 'Owner' })],
      total: 1,
      totalExact: true,
      nextCursor: null,
      prevCursor: null,
    }),
    'jobs/preview': (input) => ({
      action: (input as { action: JobAction }).action,
      total: 2,
      change: 2,
      skip: 0,
      fail: 0,
      reasons: [],
      ...preview,
    }),
    'jobs/start': (input) =>
      ({
        id: 'job1',
        action: (input as { action: JobAction }).action,
        params: {},
        status: 'done',
        total: 2,
        processed: 2,
        done: 2,
        skipped: 0,
        failed: 0,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-01T00:00:00.000Z',
        finishedAt: '2025-01-01T00:00:00.000Z',
        cancelledAt: null,
        createdBy: { type: 'token', id: null },
      }) satisfies Job,
  });
  const mounted = mountWithApp(BulkActionDialog, {
    attachTo: document.body,
    props: { action, target, count: 2, options: dialogOptions, modelValue: false },
  });
  useConnectionsStore().active = activeConnection();
  mountedNow.push(mounted.wrapper);
  return { ...mounted, fake };
}
const mountedNow: { unmount(): void }[] = [];
afterEach(() => {
  // A failed test leaves no dialog behind for the next one.
  for (const wrapper of mountedNow.splice(0)) wrapper.unmount();
  document.body.innerHTML = '';
});

const sent = (fake: ReturnType<typeof fakeUserdeck>, channel: string) =>
  fake.calls.filter((c) => c.channel === channel).map((c) => c.input);

describe('BulkActionDialog', () => {
  it.each(Object.entries(cases))('%s: sends its parameters to the preview and to the job', async (name, { fill, params }) => {
    const action = name as JobAction;
    const { wrapper, fake } = mountDialog(action);
    await wrapper.setProps({ modelValue: true });
    await flushPromises();
    if (fill) {
      // Something to ask first: nothing runs until it is given.
      expect(sent(fake, 'jobs/preview')).toEqual([]);
      await fill();
      await flushPromises();
      const previewButton = $<HTMLButtonElement>('[data-testid="bulk-preview-btn"]')!;
      expect(previewButton.disabled).toBe(false);
      previewButton.click();
      await flushPromises();
    }
    expect(sent(fake, 'jobs/preview')).toEqual([{ action, params, target }]);
    expect($('[data-testid="preview-change"]')?.textContent?.trim()).toBe('2');

    const run = $<HTMLButtonElement>('[data-testid="bulk-run"]')!;
    if (isDestructive(action)) {
      // Destructive: the count typed first.
      expect(run.disabled).toBe(true);
      await typeInto('bulk-confirm-count', '2');
    }
    expect(run.disabled).toBe(false);
    run.click();
    await flushPromises();
    expect(sent(fake, 'jobs/start')).toEqual([{ action, params, target }]);
    expect(wrapper.emitted('started')).toHaveLength(1);
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([false]);
  });

  it.each([
    ['ban', 'bulk-reason'],
    ['addTags', 'bulk-list'],
    ['removeGroups', 'bulk-list'],
    ['addRoles', 'bulk-list'],
    ['setLanguage', 'bulk-single'],
    ['grantBadge', 'bulk-single'],
  ] as const)('%s: no preview without its value', async (action, field) => {
    const { wrapper, fake } = mountDialog(action);
    await wrapper.setProps({ modelValue: true });
    await flushPromises();
    expect($(`[data-testid="${field}"]`)).not.toBeNull();
    expect($<HTMLButtonElement>('[data-testid="bulk-preview-btn"]')!.disabled).toBe(true);
    expect(sent(fake, 'jobs/preview')).toEqual([]);
  });

  it('shows why users are skipped, and runs nothing when nobody would change', async () => {
    const { wrapper, fake } = mountDialog('restore', {
      change: 0,
      skip: 2,
      reasons: [{ status: 'skipped', code: 'notInTrash', message: 'the user is not in the trash', count: 2 }],
    });
    await wrapper.setProps({ modelValue: true });
    await flushPromises();
    expect($('[data-testid="preview-reasons"]')!.textContent).toContain('the user is not in the trash');
    expect($('[data-testid="preview-nothing"]')).not.toBeNull();
    expect($<HTMLButtonElement>('[data-testid="bulk-run"]')!.disabled).toBe(true);
    expect(sent(fake, 'jobs/start')).toEqual([]);
  });

  it('shows the server’s refusal in the dialog and stays open', async () => {
    const { wrapper, fake } = mountDialog('setLanguage');
    fake.calls.length = 0;
    const refusing = fakeUserdeck({
      'jobs/preview': () => {
        throw { code: 'validation', key: 'errors.validation', params: {} };
      },
    });
    await wrapper.setProps({ modelValue: true });
    await flushPromises();
    // The language list comes from the options, not from a call.
    await pick('bulk-single', ['English (en)']);
    $<HTMLButtonElement>('[data-testid="bulk-preview-btn"]')!.click();
    await flushPromises();
    expect(sent(refusing, 'jobs/preview')).toEqual([{ action: 'setLanguage', params: { language: 'en' }, target }]);
    expect($('[data-testid="bulk-error"]')).not.toBeNull();
    expect($('[data-testid="bulk-preview"]')).toBeNull();
    expect(wrapper.emitted('started')).toBeUndefined();
  });
});
