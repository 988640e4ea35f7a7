import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppInfo } from '../../../common/contract';
import { defaultPreferences, matchLocale, type Locale, type Preferences } from '../../../common/preferences';
import { unwrap, userdeck } from '../api/userdeck';
import { useNotificationsStore } from './notifications';

/** App-wide state: what main says about itself and the user's preferences. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const preferences = ref<Preferences>({ ...defaultPreferences });
  const ready = ref(false);
  const notifications = useNotificationsStore();

  const locale = computed<Locale>(() => preferences.value.locale ?? matchLocale(info.value?.systemLocale ?? navigator.language));

  async function load() {
    try {
      const [appInfo, prefs] = await Promise.all([unwrap(userdeck().app.info()), unwrap(userdeck().settings.get())]);
      info.value = appInfo;
      preferences.value = prefs;
    } catch (error) {
      notifications.reportError(error);
    } finally {
      ready.value = true;
    }
    userdeck().on('settings/changed', (next) => (preferences.value = next));
  }

  async function update(patch: Partial<Preferences>) {
    const previous = preferences.value;
    preferences.value = { ...previous, ...patch };
    try {
      preferences.value = await unwrap(userdeck().settings.update(patch));
    } catch (error) {
      preferences.value = previous;
      notifications.reportError(error);
    }
  }

  return { info, preferences, ready, locale, load, update };
});
