import { useI18n } from 'vue-i18n';
import type { ActiveConnection, ConnectionStatus, ConnectionSummary } from '../../../common/connections';

/** How a connection is named and described on screen (the Local directory in the user's language). */
export function useConnectionLabels() {
  const { t } = useI18n();
  const nameOf = (connection: Pick<ConnectionSummary | ActiveConnection, 'builtin' | 'name'> | null | undefined) =>
    !connection ? '' : connection.builtin ? t('connections.local.name') : connection.name;
  const statusColor: Record<ConnectionStatus, string> = {
    online: 'success',
    connecting: 'info',
    offline: 'warning',
    needsSignIn: 'warning',
    error: 'error',
  };
  return { nameOf, statusColor };
}
