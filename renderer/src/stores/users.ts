import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppErrorData } from '../../../common/errors';
import type { DirectoryOptions, StatusAction, UserQuery, UsersViewState } from '../../../common/users/directory';
import type { User } from '../../../common/users/user';
import type { FieldSchema } from '../../../common/users/fields';
import { toErrorData, unwrap, userdeck } from '../api/userdeck';
import { useConnectionsStore } from './connections';
import { useNotificationsStore } from './notifications';

/** What is selected for a bulk action: rows by id, or every user matching a filter. */
export type Selection = { mode: 'ids'; ids: string[] } | { mode: 'all'; query: UserQuery; total: number; totalExact: boolean };

/**
 * The users list of the active connection: the current query and page (server-side paging only),
 * the directory's vocabularies, saved views and columns, and the selection for bulk actions.
 */
export const useUsersStore = defineStore('users', () => {
  const notifications = useNotificationsStore();
  const items = ref<User[]>([]);
  const total = ref(0);
  const totalExact = ref(true);
  const nextCursor = ref<string | null>(null);
  const prevCursor = ref<string | null>(null);
  const query = ref<UserQuery>({});
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<AppErrorData | null>(null);
  const options = ref<DirectoryOptions | null>(null);
  const views = ref<UsersViewState>({ views: [], columns: null });
  const selection = ref<Selection>({ mode: 'ids', ids: [] });
  const connections = useConnectionsStore();
  /** The rules the form checks against: the connection's schema with the custom fields as they are now. */
  const fieldSchema = computed<FieldSchema | null>(() => {
    const base = connections.active?.fieldSchema;
    if (!base) return null;
    return options.value ? { ...base, customFields: options.value.customFields } : base;
  });

  let sequence = 0;
  let inFlight: string | null = null;

  /** Loads a page; a newer call cancels the older one, whose answer is ignored if it still comes. */
  async function load(next: UserQuery) {
    const mine = ++sequence;
    if (inFlight) void userdeck().api.cancel({ requestId: inFlight });
    const requestId = crypto.randomUUID();
    inFlight = requestId;
    query.value = { ...next };
    loading.value = true;
    error.value = null;
    try {
      const page = await unwrap(userdeck().users.list({ query: next, requestId }));
      if (mine !== sequence) return;
      items.value = page.items;
      total.value = page.total;
      totalExact.value = page.totalExact;
      nextCursor.value = page.nextCursor ?? null;
      prevCursor.value = page.prevCursor ?? null;
      loaded.value = true;
    } catch (failure) {
      if (mine !== sequence) return;
      const data = toErrorData(failure);
      if (data.code === 'cancelled') return;
      error.value = data;
      items.value = [];
      total.value = 0;
    } finally {
      if (mine === sequence) {
        loading.value = false;
        inFlight = null;
      }
    }
  }

  const reload = () => load(query.value);

  async function loadOptions() {
    try {
      options.value = await unwrap(userdeck().users.options());
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function loadViews() {
    try {
      views.value = await unwrap(userdeck().users.views());
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function saveView(name: string, viewQuery: UserQuery) {
    views.value = await unwrap(userdeck().users.saveView({ name, query: viewQuery }));
    notifications.push('success', 'users.views.saved', { name });
  }

  async function deleteView(id: string) {
    try {
      views.value = await unwrap(userdeck().users.deleteView({ id }));
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function setColumns(columns: string[] | null) {
    const previous = views.value;
    views.value = { ...previous, columns };
    try {
      views.value = await unwrap(userdeck().users.setColumns({ columns }));
    } catch (failure) {
      views.value = previous;
      notifications.reportError(failure);
    }
  }

  /** Puts a changed user in place in the current page. */
  function replace(user: User) {
    const index = items.value.findIndex((u) => u.id === user.id);
    if (index >= 0) items.value.splice(index, 1, user);
  }

  /** The inline status change of a row; the reason is required for a ban. */
  async function setStatus(user: User, action: StatusAction, reason?: string): Promise<boolean> {
    try {
      replace(await unwrap(userdeck().users.setStatus({ id: user.id, action, reason })));
      notifications.push('success', `users.status.done.${action}`, { name: user.username });
      return true;
    } catch (failure) {
      notifications.reportError(failure);
      return false;
    }
  }

  const selectedCount = computed(() => (selection.value.mode === 'all' ? selection.value.total : selection.value.ids.length));

  function selectIds(ids: string[]) {
    selection.value = { mode: 'ids', ids: [...new Set(ids)] };
  }

  function selectAllMatching() {
    selection.value = { mode: 'all', query: { ...query.value }, total: total.value, totalExact: totalExact.value };
  }

  function clearSelection() {
    selection.value = { mode: 'ids', ids: [] };
  }

  /** A new connection has other users, vocabularies and views. */
  function reset() {
    sequence++;
    items.value = [];
    total.value = 0;
    loaded.value = false;
    error.value = null;
    options.value = null;
    views.value = { views: [], columns: null };
    clearSelection();
  }

  return {
    items,
    total,
    totalExact,
    nextCursor,
    prevCursor,
    query,
    loading,
    loaded,
    error,
    options,
    views,
    selection,
    fieldSchema,
    selectedCount,
    load,
    reload,
    loadOptions,
    loadViews,
    saveView,
    deleteView,
    setColumns,
    replace,
    setStatus,
    selectIds,
    selectAllMatching,
    clearSelection,
    reset,
  };
});
