import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { i18n } from './plugins/i18n';
import { vuetify } from './plugins/vuetify';
import { createAppRouter } from './router';
import { useAppStore } from './stores/app';

const app = createApp(App);
app.use(createPinia()).use(i18n).use(vuetify).use(createAppRouter());
void useAppStore().load();
app.mount('#app');
