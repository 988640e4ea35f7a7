import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppErrorData } from '../../../common/errors';
import { toErrorData } from '../api/userdeck';

export interface Notice {
  id: number;
  kind: 'error' | 'info' | 'success';
  key: string;
  params: Record<string, unknown>;
}

/** The global snackbar's queue: typed errors and short confirmations, shown one at a time. */
export const useNotificationsStore = defineStore('notifications', () => {
  const queue = ref<Notice[]>([]);
  let nextId = 1;

  function push(kind: Notice['kind'], key: string, params: Record<string, unknown> = {}) {
    queue.value.push({ id: nextId++, kind, key, params });
  }

  function reportError(error: unknown) {
    const data: AppErrorData = toErrorData(error);
    push('error', data.key, data.params);
  }

  function dismiss(id: number) {
    queue.value = queue.value.filter((notice) => notice.id !== id);
  }

  return { queue, push, reportError, dismiss };
});
