import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { h } from 'vue';
import { mountWithApp } from '../../test/mount';
import DisabledReason from './DisabledReason.vue';

function mountReason(reason: string | null) {
  return mountWithApp(DisabledReason, {
    attachTo: document.body,
    props: { reason },
    attrs: { class: 'd-flex ga-2' },
    slots: { default: () => h('button', { disabled: !!reason, 'data-testid': 'control' }, 'Delete') },
  }).wrapper;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('DisabledReason', () => {
  it('says why the control is off, on hover, described by the tooltip', async () => {
    const wrapper = mountReason('It needs the “users.delete” permission.');
    const holder = wrapper.get('span.d-flex');
    expect(holder.find('[data-testid="control"]').exists()).toBe(true);
    await holder.trigger('mouseenter');
    await flushPromises();
    const tip = document.getElementById(holder.attributes('aria-describedby')!)!;
    expect(tip.getAttribute('role')).toBe('tooltip');
    expect(tip.textContent).toContain('It needs the “users.delete” permission.');
    wrapper.unmount();
  });

  it('with no reason, leaves no tooltip behind, not even an empty one', async () => {
    const wrapper = mountReason(null);
    const holder = wrapper.get('span.d-flex');
    expect(holder.attributes('aria-describedby')).toBeUndefined();
    await holder.trigger('mouseenter');
    await holder.trigger('mouseleave');
    await flushPromises();
    expect(document.querySelector('[role="tooltip"]')).toBeNull();
    wrapper.unmount();
  });
});
