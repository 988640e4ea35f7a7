import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  hasFeature,
  type ActiveConnection,
  type ConnectionFeature,
  type ConnectionInput,
  type ConnectionsState,
  type ConnectionSummary,
  type LocalDirectoryStatus,
  type TestReport,
} from '../../../common/connections';
import { unwrap, userdeck } from '../api/userdeck';
import { useNotificationsStore } from './notifications';

/**
 * The connections and the one active connection (which backend, its status, capabilities and
 * cached field schema). Never holds a secret: secrets typed in a form go straight to main.
 */
export const useConnectionsStore = defineStore('connections', () => {
  const connections = ref<ConnectionSummary[]>([]);
  const activeId = ref<string | null>(null);
  const lastUsedId = ref<string | null>(null);
  const secretStorage = ref<ConnectionsState['secretStorage']>({ backend: 'keychain', persistent: true });
  const firstRun = ref(false);
  const active = ref<ActiveConnection | null>(null);
  const local = ref<LocalDirectoryStatus>({ state: 'stopped', initialized: false, sample: null, error: null });
  const loaded = ref(false);
  /** Connection id → the call in flight (connect, switch). */
  const busy = ref<string | null>(null);
  const notifications = useNotificationsStore();

  const activeSummary = computed(() => connections.value.find((c) => c.id === active.value?.id) ?? null);
  /** The backend offers the feature, or is not known yet (no active connection: views show empty states). */
  const offers = (...features: ConnectionFeature[]) =>
    !active.value?.capabilities || features.some((feature) => hasFeature(active.value!.capabilities, feature));
  const online = computed(() => active.value?.status === 'online');

  function apply(state: ConnectionsState) {
    connections.value = state.connections;
    activeId.value = state.activeId;
    lastUsedId.value = state.lastUsedId;
    secretStorage.value = state.secretStorage;
    firstRun.value = state.firstRun;
  }

  let subscribed = false;
  async function load() {
    if (!subscribed) {
      subscribed = true;
      userdeck().on('connections/changed', apply);
      userdeck().on('connections/active', (next) => (active.value = next));
      userdeck().on('local/status', (next) => (local.value = next));
    }
    try {
      const [state, current, localStatus] = await Promise.all([
        unwrap(userdeck().connections.list()),
        unwrap(userdeck().connections.active()),
        unwrap(userdeck().local.status()),
      ]);
      apply(state);
      active.value = current;
      local.value = localStatus;
    } catch (error) {
      notifications.reportError(error);
    } finally {
      loaded.value = true;
    }
  }

  async function refresh() {
    apply(await unwrap(userdeck().connections.list()));
  }

  /** Create or edit; errors are thrown for the dialog to show at its fields. */
  async function save(id: string | null, input: ConnectionInput): Promise<ConnectionSummary> {
    const saved = id
      ? await unwrap(userdeck().connections.update({ id, input }))
      : await unwrap(userdeck().connections.create(input));
    await refresh();
    return saved;
  }

  async function duplicate(id: string) {
    try {
      await unwrap(userdeck().connections.duplicate({ id }));
      await refresh();
    } catch (error) {
      notifications.reportError(error);
    }
  }

  async function remove(id: string) {
    try {
      apply(await unwrap(userdeck().connections.delete({ id })));
      notifications.push('success', 'connections.delete.done');
    } catch (error) {
      notifications.reportError(error);
    }
  }

  /** Tests settings (saved, edited or new); cancellable with `cancelTest(requestId)`. */
  function test(request: { id?: string; input?: ConnectionInput }, requestId: string): Promise<TestReport> {
    return unwrap(userdeck().connections.test({ ...request, requestId }));
  }

  async function cancelTest(requestId: string) {
    await userdeck().api.cancel({ requestId });
  }

  async function activate(id: string) {
    busy.value = id;
    try {
      active.value = await unwrap(userdeck().connections.activate({ id }));
      await refresh();
    } catch (error) {
      notifications.reportError(error);
    } finally {
      busy.value = null;
    }
  }

  async function disconnect() {
    try {
      await unwrap(userdeck().connections.disconnect());
      active.value = null;
      await refresh();
    } catch (error) {
      notifications.reportError(error);
    }
  }

  async function reconnect() {
    if (!active.value) return;
    busy.value = active.value.id;
    try {
      active.value = await unwrap(userdeck().connections.reconnect());
    } catch (error) {
      notifications.reportError(error);
    } finally {
      busy.value = null;
    }
  }

  /** The sign-in dialog; throws so the dialog can show a wrong password at its field. */
  async function signIn(secret: string) {
    if (!active.value) return;
    active.value = await unwrap(userdeck().connections.signIn({ id: active.value.id, secret }));
  }

  async function dismissWelcome() {
    apply(await unwrap(userdeck().connections.dismissWelcome()));
  }

  /** First start of the Local directory, seeded with the sample data or empty; throws on failure. */
  async function initializeLocal(sample: boolean) {
    active.value = await unwrap(userdeck().local.initialize({ sample }));
    await refresh();
  }

  return {
    connections,
    activeId,
    lastUsedId,
    secretStorage,
    firstRun,
    active,
    local,
    loaded,
    busy,
    activeSummary,
    online,
    offers,
    load,
    save,
    duplicate,
    remove,
    test,
    cancelTest,
    activate,
    disconnect,
    reconnect,
    signIn,
    dismissWelcome,
    initializeLocal,
  };
});
