import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useTheme } from 'vuetify';
import { useAppStore } from '../stores/app';

/** Keeps Vuetify's theme and vue-i18n's locale in step with the user's preferences. */
export function useAppearance() {
  const app = useAppStore();
  const theme = useTheme();
  const { locale } = useI18n({ useScope: 'global' });

  watch(
    () => app.preferences.theme,
    (mode) => void theme.change(mode),
    { immediate: true },
  );
  watch(
    () => app.locale,
    (next) => {
      locale.value = next;
      document.documentElement.lang = next;
    },
    { immediate: true },
  );
}
