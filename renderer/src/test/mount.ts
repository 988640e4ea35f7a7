/** Mounts a component with the app's real plugins (Vuetify, i18n, Pinia, router) for component tests. */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createRouter, createMemoryHistory } from 'vue-router';
import { createVuetify } from 'vuetify';
import { createI18n } from 'vue-i18n';
import type { Component } from 'vue';
import { routes } from '../router/routes';
import { messages } from '../plugins/i18n';

export function mountWithApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: 'en' | 'es' | 'fr' } = {},
) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const i18n = createI18n({ legacy: false, locale: options.locale ?? 'en', fallbackLocale: 'en', messages });
  const router = createRouter({ history: createMemoryHistory(), routes });
  const vuetify = createVuetify();
  const wrapper = mount(component, {
    ...options,
    global: { ...options.global, plugins: [pinia, i18n, router, vuetify, ...(options.global?.plugins ?? [])] },
  } as ComponentMountingOptions<C>);
  return { wrapper, router, pinia };
}
