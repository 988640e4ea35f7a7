import { onBeforeUnmount, ref } from 'vue';
import type { User } from '../../../../common/users/user';
import { unwrap, userdeck } from '../../api/userdeck';
import { useNotificationsStore } from '../../stores/notifications';

const WATCH_MS = 1500;
const WATCH_LIMIT_MS = 60 * 60_000;

/**
 * Starts an impersonation. In the desktop app main opens it in a window of its own, which closes on
 * the portal's "exit". In the browser bridge the page opens the bridge's one-time path in a popup and
 * closes that popup itself once the impersonation session has ended on the server.
 */
export function useImpersonation() {
  const notifications = useNotificationsStore();
  const popup = ref<Window | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }
  onBeforeUnmount(stop);

  /** Closes the popup once the impersonation session it opened has ended on the server (the portal's exit). */
  function watchExit(win: Window, userId: string) {
    stop();
    const started = new Date(Date.now() - 5_000).toISOString();
    timer = setInterval(async () => {
      if (win.closed || Date.now() - Date.parse(started) > WATCH_LIMIT_MS) return stop();
      try {
        const sessions = await unwrap(userdeck().users.sessions({ id: userId, ended: true }));
        if (sessions.some((s) => s.kind === 'impersonation' && s.createdAt >= started && !s.active)) {
          win.close();
          popup.value = null;
          stop();
        }
      } catch {
        // Try again on the next beat.
      }
    }, WATCH_MS);
  }

  async function start(user: User, reason: string): Promise<boolean> {
    try {
      const opened = await unwrap(userdeck().users.impersonate({ id: user.id, reason }));
      if (opened.mode === 'popup') {
        const win = window.open(opened.path, `userdeck-impersonation-${user.id}`, 'popup,width=1100,height=760');
        if (!win) {
          notifications.push('error', 'users.security.popupBlocked');
          return false;
        }
        popup.value = win;
        watchExit(win, user.id);
      }
      notifications.push('info', 'users.security.impersonating', { name: user.username });
      return true;
    } catch (failure) {
      notifications.reportError(failure);
      return false;
    }
  }

  return { start, popup };
}
