import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppErrorData } from '../../../common/errors';
import type { TrashedUser } from '../../../common/users/directory';
import { toErrorData, unwrap, userdeck } from '../api/userdeck';
import { useNotificationsStore } from './notifications';

/** Deleted users waiting in the trash, a page at a time; restore, or purge for good. */
export const useTrashStore = defineStore('trash', () => {
  const notifications = useNotificationsStore();
  const items = ref<TrashedUser[]>([]);
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(30);
  const q = ref('');
  const loading = ref(false);
  const error = ref<AppErrorData | null>(null);

  async function load() {
    loading.value = true;
    error.value = null;
    try {
      const result = await unwrap(userdeck().trash.list({ page: page.value, pageSize: pageSize.value, q: q.value || undefined }));
      items.value = result.items;
      total.value = result.total;
    } catch (failure) {
      error.value = toErrorData(failure);
      items.value = [];
      total.value = 0;
    } finally {
      loading.value = false;
    }
  }

  async function restore(user: TrashedUser) {
    try {
      await unwrap(userdeck().trash.restore({ id: user.id }));
      notifications.push('success', 'trash.restored', { name: user.username });
      await load();
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function purge(ids: string[]) {
    try {
      const result = await unwrap(userdeck().trash.purge({ ids, confirm: true }));
      notifications.push('success', 'trash.purged', { n: result.purged });
      await load();
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  return { items, total, page, pageSize, q, loading, error, load, restore, purge };
});
