import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useConnectionsStore } from '../stores/connections';

/**
 * What the signed-in identity may do on the active connection. A Userdeck directory says it
 * (`/auth/me` permissions); a plain SCIM server does not, so there the backend decides and nothing
 * is disabled in advance. `reason` is the text shown on a disabled control.
 */
export function usePermissions() {
  const connections = useConnectionsStore();
  const { t } = useI18n();
  const known = computed(() => connections.active?.capabilities?.kind === 'userdeck' && !!connections.active.identity);
  const granted = computed(() => new Set(connections.active?.identity?.permissions ?? []));

  const can = (...permissions: string[]): boolean => !known.value || permissions.every((p) => granted.value.has(p));
  const missing = (...permissions: string[]): string | null =>
    permissions.find((p) => known.value && !granted.value.has(p)) ?? null;
  /** The translated reason a control is disabled, or null when it is allowed. */
  const reason = (...permissions: string[]): string | null => {
    const permission = missing(...permissions);
    return permission ? t('users.permissions.missing', { permission }) : null;
  };
  return { can, reason, missing };
}
