import { computed } from 'vue';
import { scimUsersSupport, usesScimUsers } from '../../../../common/users/scim';
import { useConnectionsStore } from '../../stores/connections';

/**
 * Which backend serves the users screens: the Userdeck admin API, or plain SCIM (`scim`), and then
 * what that SCIM server can do (`support`), so the screens offer only what will work.
 */
export function useUsersBackend() {
  const connections = useConnectionsStore();
  const scim = computed(() => usesScimUsers(connections.active?.capabilities));
  const support = computed(() => (scim.value ? scimUsersSupport(connections.active?.capabilities) : null));
  return { scim, support };
}
