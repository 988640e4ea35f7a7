import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { flushPromises } from '@vue/test-utils';
import { defaultFieldSchema } from '../../../../../common/users/fields';
import { useConnectionsStore } from '../../../stores/connections';
import { mountWithApp } from '../../../test/mount';
import { activeConnection, customFields, fakeUserdeck, makeUser, options } from '../../../test/users';
import UserFormDialog from './UserFormDialog.vue';

const schema = { ...defaultFieldSchema, customFields };

function field(name: string) {
  return document.querySelector<HTMLInputElement>(`[data-testid="field-${name}"] input`)!;
}
function errors(name: string) {
  return [...document.querySelectorAll(`[data-testid="field-${name}"] .v-messages__message`)].map((m) => m.textContent?.trim());
}
async function type(name: string, value: string, leave = true) {
  const input = field(name);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  if (leave) input.dispatchEvent(new Event('blur'));
  await nextTick();
}
async function submit() {
  document.querySelector<HTMLElement>('[data-testid="form-submit"]')!.click();
  await flushPromises();
}

function mountForm(
  props: Record<string, unknown>,
  handlers: Parameters<typeof fakeUserdeck>[0] = {},
  locale: 'en' | 'es' | 'fr' = 'en',
) {
  const fake = fakeUserdeck({ 'users/searchGroups': () => [], 'users/searchTags': () => [], ...handlers });
  const mounted = mountWithApp(UserFormDialog, {
    locale,
    attachTo: document.body,
    props: { options, schema, modelValue: true, ...props } as InstanceType<typeof UserFormDialog>['$props'],
  });
  useConnectionsStore().active = activeConnection();
  return { ...mounted, fake };
}

describe('UserFormDialog', () => {
  it('says on submit what is required, and checks each field live with the shared rules', async () => {
    const { wrapper, fake } = mountForm({ mode: 'create' });
    await nextTick();
    await submit();
    for (const name of ['firstName', 'lastName', 'username', 'email', 'password'])
      expect(errors(name), name).toEqual(['Required.']);
    expect(fake.calls.some((c) => c.channel === 'users/create')).toBe(false);

    await type('email', 'jose@@example');
    expect(errors('email')).toEqual(['Not a valid email address.']);
    await type('phone', 'call me');
    expect(errors('phone')).toEqual(['Not a phone number.']);
    await type('password', 'abc');
    expect(errors('password')).toEqual(['At least 8 characters.']);
    await type('passwordConfirm', 'abd');
    expect(errors('passwordConfirm')).toEqual(['The two passwords differ.']);
    await type('cf-employee_id', 'X1');
    expect(errors('cf-employee_id')).toEqual(['Not in the expected format.']);
    await type('cf-employee_id', 'E1234');
    expect(errors('cf-employee_id')).toEqual([]);
    wrapper.unmount();
  });

  it('proposes the username from the names until the admin types one', async () => {
    const { wrapper } = mountForm({ mode: 'create' });
    await type('firstName', 'Zoë', false);
    await type('lastName', 'Åström de la Cruz', false);
    expect(field('username').value).toBe('zoe.astrom-de-la-cruz');
    await type('username', 'zoe', false);
    await type('firstName', 'Chloé', false);
    expect(field('username').value).toBe('zoe');
    wrapper.unmount();
  });

  it('generates a strong password that passes the policy and fills the confirmation', async () => {
    const { wrapper } = mountForm({
      mode: 'create',
      schema: {
        ...schema,
        policies: { ...schema.policies, passwordRequireSymbol: true, passwordRequireDigit: true, passwordMinLength: 20 },
      },
    });
    await nextTick();
    document.querySelector<HTMLElement>('[data-testid="password-generate"]')!.click();
    await nextTick();
    const password = field('password').value;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(field('passwordConfirm').value).toBe(password);
    expect(document.querySelector('[data-testid="password-strength"]')!.getAttribute('data-strength')).toBe('4');
    expect(errors('password')).toEqual([]);
    wrapper.unmount();
  });

  it('creates the user, and shows the server’s field problems at their fields', async () => {
    let attempt = 0;
    const { wrapper, fake } = mountForm(
      { mode: 'create' },
      {
        'users/create': () => {
          attempt++;
          if (attempt === 1)
            throw {
              code: 'conflict',
              key: 'errors.conflict',
              params: { field: 'username' },
              issues: [{ path: 'username', key: 'validation.user.duplicate', params: {} }],
            };
          return { user: makeUser({ username: 'ana.silva' }), mailed: false };
        },
      },
    );
    await type('firstName', 'Ana');
    await type('lastName', 'Silva');
    await type('email', 'ana.silva@example.org');
    await type('password', 'Long-enough-1');
    await type('passwordConfirm', 'Long-enough-1');
    await type('cf-level', '12');
    await submit();
    expect(errors('username')).toEqual(['Already used by another user.']);
    const sent = fake.calls.find((c) => c.channel === 'users/create')!.input as { user: Record<string, unknown>; after: string };
    expect(sent.after).toBe('none');
    expect(sent.user).toMatchObject({
      username: 'ana.silva',
      firstName: 'Ana',
      email: 'ana.silva@example.org',
      password: 'Long-enough-1',
      customFields: { level: 12 },
    });
    // Typing there again clears the server's message; the second try succeeds and closes the form.
    await type('username', 'ana.silva2');
    expect(errors('username')).toEqual([]);
    await submit();
    expect(wrapper.emitted('saved')).toHaveLength(1);
    expect(wrapper.emitted('update:modelValue')!.at(-1)).toEqual([false]);
    wrapper.unmount();
  });

  it('edits with only the changed fields and the version, and compares when the version is stale', async () => {
    const user = makeUser();
    const theirs = makeUser({ displayName: 'Theirs', phone: '+1 555 0100', version: 4 });
    const updates: unknown[] = [];
    const { wrapper } = mountForm(
      { mode: 'edit', user },
      {
        'users/update': (input) => {
          updates.push(input);
          if (updates.length === 1)
            throw {
              code: 'staleVersion',
              key: 'errors.staleVersion',
              params: {},
              details: { current: { value: theirs, etag: 'W/"4"' } },
            };
          return { ...theirs, displayName: 'Mine', version: 5 };
        },
      },
      'fr',
    );
    await nextTick();
    expect(field('username').value).toBe('jose.garcia');
    await type('displayName', 'Mine');
    await submit();
    expect(updates[0]).toEqual({ id: 'u1', version: 3, patch: { displayName: 'Mine' } });
    const compare = document.querySelector('[data-testid="compare-dialog"]')!;
    expect(compare.textContent).toContain('Quelqu’un d’autre a modifié cet utilisateur');
    const row = (key: string) => compare.querySelector(`[data-field="${key}"]`)!;
    expect(row('displayName').querySelector('[data-testid="compare-theirs"]')!.textContent).toBe('Theirs');
    expect(row('displayName').querySelector('[data-testid="compare-mine"]')!.textContent).toBe('Mine');
    expect(row('phone').querySelector('[data-testid="compare-theirs"]')!.textContent).toBe('+1 555 0100');
    // Save mine over theirs: the same change, now with their version.
    compare.querySelector<HTMLElement>('[data-testid="compare-mine-btn"]')!.click();
    await flushPromises();
    expect(updates[1]).toEqual({ id: 'u1', version: 4, patch: { displayName: 'Mine' } });
    expect(wrapper.emitted('saved')!.at(-1)![0]).toMatchObject({ displayName: 'Mine', version: 5 });
    wrapper.unmount();
  });
});
