import { describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { useConnectionsStore } from '../../stores/connections';
import { mountWithApp } from '../../test/mount';
import ConnectionSwitcher from './ConnectionSwitcher.vue';

describe('ConnectionSwitcher', () => {
  it('names the active connection in the user language, with its colour and a status mark', async () => {
    const { wrapper } = mountWithApp(ConnectionSwitcher, { locale: 'es' });
    expect(wrapper.get('[data-testid="connection-switcher-name"]').text()).toBe('Sin conexión');
    const store = useConnectionsStore();
    store.active = {
      id: 'local',
      name: 'Local directory',
      color: '#5E35B1',
      builtin: true,
      status: 'offline',
      capabilities: null,
      fieldSchema: null,
      identity: null,
      error: null,
      auth: { method: 'token' },
    };
    await nextTick();
    expect(wrapper.get('[data-testid="connection-switcher-name"]').text()).toBe('Directorio local');
    expect(wrapper.get('[data-testid="connection-switcher"]').attributes('data-color')).toBe('#5E35B1');
    expect(wrapper.get('[data-testid="connection-color"]').attributes('data-color')).toBe('#5E35B1');
    expect(wrapper.find('[aria-label="Inaccesible"]').exists()).toBe(true);
  });
});
