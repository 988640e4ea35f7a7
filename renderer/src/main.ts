import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n } from './plugins/i18n';
import { vuetify } from './plugins/vuetify';
import { createAppRouter } from './router';
import { installFeatureGuard } from './router/guard';
import { useAppStore } from './stores/app';
import { useConnectionsStore } from './stores/connections';
import { useNotificationsStore } from './stores/notifications';

const app = createApp(App);
const router = createAppRouter();
app.use(createPinia()).use(i18n).use(vuetify).use(router);
void useAppStore().load();
const connections = useConnectionsStore();
const notifications = useNotificationsStore();
installFeatureGuard(router, {
  capabilities: () => connections.active?.capabilities,
  redirected: () => notifications.push('info', 'nav.unavailable', { connection: connections.active?.name ?? '' }),
});
// A fresh install opens on the first-run screen.
void connections.load().then(() => {
  if (connections.firstRun) void router.replace({ name: 'welcome' });
});
app.mount('#app');
