import { computed, ref, watch } from 'vue';
import { useConnectionsStore } from '../stores/connections';

const dismissedFor = ref<string | null>(null);
const forced = ref(false);

/**
 * Whether the sign-in dialog shows: when the active connection needs a sign-in, unless the admin
 * chose "not now" for it (the banner can open it again).
 */
export function useSignInPrompt() {
  const store = useConnectionsStore();
  watch(
    () => store.active?.id,
    () => {
      dismissedFor.value = null;
      forced.value = false;
    },
  );
  const visible = computed(
    () =>
      store.active?.status === 'needsSignIn' && !store.active.builtin && (forced.value || dismissedFor.value !== store.active.id),
  );
  return {
    visible,
    open: () => (forced.value = true),
    dismiss: () => {
      forced.value = false;
      dismissedFor.value = store.active?.id ?? null;
    },
  };
}
