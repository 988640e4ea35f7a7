import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { mountWithApp } from '../../../test/mount';
import { fakeUserdeck, options } from '../../../test/users';
import UsersFilterBar from './UsersFilterBar.vue';

const offers = { groups: true, tags: true, segments: true, roles: true };

function mountBar(query: Record<string, string> = {}, locale: 'en' | 'es' | 'fr' = 'en') {
  const fake = fakeUserdeck({
    'users/searchGroups': () => [{ id: 'g1', name: 'Team 01' }],
    'users/searchTags': () => ['vip', 'beta'],
  });
  const mounted = mountWithApp(UsersFilterBar, {
    locale,
    attachTo: document.body,
    props: { query, options, offers, searchDelayMs: 300 },
  });
  return { ...mounted, fake };
}

describe('UsersFilterBar', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('searches once typing pauses, not at each keystroke', async () => {
    const { wrapper } = mountBar();
    const input = wrapper.get('[data-testid="users-search"] input');
    for (const text of ['g', 'ga', 'gar', 'garc']) {
      await input.setValue(text);
      vi.advanceTimersByTime(100);
    }
    expect(wrapper.emitted('change')).toBeUndefined();
    vi.advanceTimersByTime(300);
    await nextTick();
    expect(wrapper.emitted('change')).toEqual([[{ q: 'garc' }]]);
    // Enter searches at once.
    await input.setValue('garcía');
    await input.trigger('keydown', { key: 'Enter' });
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ q: 'garcía' }]);
    wrapper.unmount();
  });

  it('reads every active filter as a chip in the user language, and removes it from its chip', async () => {
    const { wrapper } = mountBar(
      {
        status: 'banned',
        verified: 'false',
        role: 'administrator',
        segment: 's1',
        tags: 'vip,beta',
        tagsMode: 'all',
        registeredFrom: '2020-01-01',
        registeredTo: '2020-12-31',
        connected: 'never',
        enrollment: 'invited',
        external: 'true',
        source: 'import',
        'cf.department': 'Sales',
        'cf.level': '3..5',
        'cf.remote': 'false',
        q: 'ana',
        sort: 'createdAt',
      },
      'es',
    );
    const chips = wrapper.findAll('[data-testid="filter-chip"]').map((c) => c.text());
    const day = (d: string) => new Intl.DateTimeFormat('es', { dateStyle: 'medium' }).format(new Date(`${d}T00:00:00`));
    expect(chips).toEqual([
      `Registro: ${day('2020-01-01')} – ${day('2020-12-31')}`,
      'Estado: Bloqueado',
      'Verificación: Sin verificar',
      'Rol: Administrator',
      'Segmento: Sales people',
      'Etiquetas: Todas de vip, beta',
      'Ha accedido: Nunca ha accedido',
      'Alta: Invitado, nunca se unió',
      'Interno o externo: Externo',
      'Origen de datos: Importación',
      'Department: Sales',
      'Level: 3 – 5',
      'Remote: No',
    ]);
    expect(wrapper.get('[data-testid="filters-toggle"]').text()).toContain('13');
    const tagsChip = wrapper.findAll('[data-testid="filter-chip"]').find((c) => c.text().startsWith('Etiquetas'))!;
    await tagsChip.get('button').trigger('click');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ tags: undefined, tagsMode: undefined }]);
    const rangeChip = wrapper.findAll('[data-testid="filter-chip"]')[0]!;
    await rangeChip.get('button').trigger('click');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ registeredFrom: undefined, registeredTo: undefined }]);
    await wrapper.get('[data-testid="filters-clear"]').trigger('click');
    expect(wrapper.emitted('clear')).toHaveLength(1);
    wrapper.unmount();
  });

  it('offers each filter, custom fields by their type, and emits what is chosen', async () => {
    const { wrapper } = mountBar();
    await wrapper.get('[data-testid="filters-toggle"]').trigger('click');
    for (const id of [
      'status',
      'verified',
      'role',
      'group',
      'segment',
      'tags',
      'tags-mode',
      'connected',
      'enrollment',
      'external',
      'source',
      'registered',
      'last-login',
    ])
      expect(wrapper.find(`[data-testid="filter-${id}"]`).exists(), id).toBe(true);
    // Select and boolean fields get a list, numbers and dates a range, text an exact value.
    expect(wrapper.get('[data-testid="filter-cf-department"]').classes()).toContain('v-select');
    expect(wrapper.get('[data-testid="filter-cf-remote"]').classes()).toContain('v-select');
    expect(wrapper.find('[data-testid="filter-cf-level-from"] input[type="number"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="filter-cf-hired-to"] input[type="date"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="filter-cf-employee_id"] input[type="text"]').exists()).toBe(true);

    // Typing alone changes nothing; leaving the field (its change event) commits the side.
    const from = wrapper.get('[data-testid="filter-cf-level-from"] input');
    (from.element as HTMLInputElement).value = '3';
    await from.trigger('input');
    expect(wrapper.emitted('change')).toBeUndefined();
    await from.trigger('change');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ 'cf.level': '3..' }]);
    const registered = wrapper.get('[data-testid="filter-registered-to"] input');
    await registered.setValue('2021-06-30');
    await registered.trigger('change');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ registeredFrom: undefined, registeredTo: '2021-06-30' }]);
    const text = wrapper.get('[data-testid="filter-cf-employee_id"] input');
    await text.setValue(' E1234 ');
    await text.trigger('change');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ 'cf.employee_id': 'E1234' }]);

    // What a select emits becomes a filter of the query.
    const select = (id: string) =>
      wrapper.findAllComponents({ name: 'VSelect' }).find((c) => c.attributes('data-testid') === id)!;
    select('filter-status').vm.$emit('update:modelValue', 'banned');
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ status: 'banned' }]);
    select('filter-role').vm.$emit('update:modelValue', ['administrator', 'user_group_admin']);
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ role: 'administrator,user_group_admin' }]);
    select('filter-cf-remote').vm.$emit('update:modelValue', null);
    expect(wrapper.emitted('change')!.at(-1)).toEqual([{ 'cf.remote': undefined }]);
    wrapper.unmount();
  });

  it('hides the filters the backend cannot apply', async () => {
    fakeUserdeck({});
    const { wrapper } = mountWithApp(UsersFilterBar, {
      props: { query: {}, options, offers: { groups: false, tags: false, segments: false, roles: true } },
    });
    await wrapper.get('[data-testid="filters-toggle"]').trigger('click');
    for (const id of ['group', 'segment', 'tags', 'tags-mode'])
      expect(wrapper.find(`[data-testid="filter-${id}"]`).exists(), id).toBe(false);
    expect(wrapper.find('[data-testid="filter-role"]').exists()).toBe(true);
    wrapper.unmount();
  });
});
