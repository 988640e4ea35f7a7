import { createRouter, createWebHashHistory } from 'vue-router';
import { routes } from './routes';

/** Hash history: works the same under app:// in Electron and over the browser bridge. */
export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes });
}
