import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { builtinColumns, defaultColumns } from '../../../../common/users/directory';
import { scimColumns } from '../../../../common/users/scim';
import { useUsersStore } from '../../stores/users';
import { sortableColumns } from './query';
import { useUsersBackend } from './useUsersBackend';

export interface UsersColumn {
  key: string;
  title: string;
  sortable: boolean;
}

/**
 * The table's columns: built-in ones and custom fields, in the order chosen for this connection.
 * A plain SCIM server fills fewer columns and sorts by fewer (or none): only those are offered.
 */
export function useUsersColumns() {
  const store = useUsersStore();
  const { t } = useI18n();
  const { support } = useUsersBackend();

  const sortable = (key: string) =>
    support.value
      ? (support.value.sorts as readonly string[]).includes(key)
      : (sortableColumns as readonly string[]).includes(key);
  const available = computed<UsersColumn[]>(() => [
    ...builtinColumns
      .filter((key) => !support.value || (scimColumns as readonly string[]).includes(key))
      .map((key) => ({ key, title: t(`users.columns.${key}`), sortable: sortable(key) })),
    ...(store.options?.customFields ?? []).map((field) => ({ key: `cf.${field.key}`, title: field.label, sortable: false })),
  ]);

  const chosenKeys = computed(() => {
    const keys = store.views.columns ?? defaultColumns;
    const known = new Set(available.value.map((c) => c.key));
    return keys.filter((key) => known.has(key));
  });

  const columns = computed(() => chosenKeys.value.map((key) => available.value.find((c) => c.key === key)!));

  function toggle(key: string, on: boolean) {
    const next = on ? [...chosenKeys.value, key] : chosenKeys.value.filter((k) => k !== key);
    // Keep the order of the catalogue, so columns do not jump around as they are switched on.
    const order = available.value.map((c) => c.key);
    void store.setColumns(next.sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  }

  return { available, chosenKeys, columns, toggle, reset: () => void store.setColumns(null) };
}
