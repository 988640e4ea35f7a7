import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { InvitationResult, ResetPasswordResult, UserRights } from '../../../common/api/lifecycle';
import type { AppErrorData } from '../../../common/errors';
import type { StatusAction } from '../../../common/users/directory';
import type { DirectoryUser } from '../../../common/users/scim';
import { toErrorData, unwrap, userdeck } from '../api/userdeck';
import { useNotificationsStore } from './notifications';

/**
 * The user a profile page shows and its header's actions. The tabs load their own data through
 * `window.userdeck` when first shown; what changes the user comes back here.
 */
export const useUserProfileStore = defineStore('userProfile', () => {
  const notifications = useNotificationsStore();
  /** Read over SCIM, it carries the resource's ETag and attributes (`scim`). */
  const user = ref<DirectoryUser | null>(null);
  const rights = ref<UserRights | null>(null);
  const loading = ref(false);
  const error = ref<AppErrorData | null>(null);
  let current = 0;

  async function load(id: string) {
    const mine = ++current;
    loading.value = true;
    error.value = null;
    if (user.value?.id !== id) {
      user.value = null;
      rights.value = null;
    }
    try {
      const loaded = await unwrap(userdeck().users.get({ id }));
      if (mine !== current) return;
      user.value = loaded;
      // A plain SCIM server has no roles or rights to summarise.
      rights.value = loaded.scim ? null : await unwrap(userdeck().users.rights({ id })).catch(() => null);
    } catch (failure) {
      if (mine === current) error.value = toErrorData(failure);
    } finally {
      if (mine === current) loading.value = false;
    }
  }

  const reload = () => (user.value ? load(user.value.id) : Promise.resolve());

  function set(next: DirectoryUser) {
    user.value = next;
  }

  /** Runs an action on the user; success notices are keyed by the action. */
  async function act<T>(key: string, call: () => Promise<T>, params: Record<string, unknown> = {}): Promise<T | null> {
    try {
      const result = await call();
      notifications.push('success', key, { name: user.value?.username ?? '', ...params });
      return result;
    } catch (failure) {
      notifications.reportError(failure);
      return null;
    }
  }

  async function setStatus(action: StatusAction, reason?: string) {
    if (!user.value) return;
    const id = user.value.id;
    const next = await act(`users.status.done.${action}`, () => unwrap(userdeck().users.setStatus({ id, action, reason })));
    if (next) user.value = next;
  }

  async function invite(): Promise<InvitationResult | null> {
    if (!user.value) return null;
    const id = user.value.id;
    const result = await act('users.security.invited', () => unwrap(userdeck().users.invite({ id })));
    if (result) await reload();
    return result;
  }

  /** A temporary password is returned for showing once; it is never stored here. */
  async function resetPassword(method: 'email' | 'temporary'): Promise<ResetPasswordResult | null> {
    if (!user.value) return null;
    const id = user.value.id;
    return act(`users.security.reset.${method}`, () => unwrap(userdeck().users.resetPassword({ id, method })));
  }

  async function anonymize(): Promise<boolean> {
    if (!user.value) return false;
    const id = user.value.id;
    const next = await act('users.danger.anonymized', () => unwrap(userdeck().users.anonymize({ id, confirm: true })));
    if (next) user.value = next;
    return !!next;
  }

  /**
   * Throws, so the danger zone can show the server's reason why delete is not allowed. Over SCIM a
   * delete is for good (no trash): the profile is left empty and the caller leaves it.
   */
  async function remove(fallbackOwnerId: string | null): Promise<void> {
    if (!user.value) return;
    const gone = user.value;
    await unwrap(
      userdeck().users.delete({
        id: gone.id,
        version: gone.version,
        etag: gone.scim?.etag ?? undefined,
        fallbackOwnerId: fallbackOwnerId ?? undefined,
      }),
    );
    notifications.push('success', gone.scim ? 'users.scim.deleted' : 'users.danger.deleted', { name: gone.username });
    if (gone.scim) user.value = null;
    else await reload();
  }

  async function restore() {
    if (!user.value) return;
    const id = user.value.id;
    const next = await act('trash.restored', () => unwrap(userdeck().trash.restore({ id })));
    if (next) user.value = next;
  }

  return { user, rights, loading, error, load, reload, set, setStatus, invite, resetPassword, anonymize, remove, restore };
});
