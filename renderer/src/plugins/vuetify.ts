import 'vuetify/styles';
import { createVuetify } from 'vuetify';
import { aliases, mdi } from 'vuetify/iconsets/mdi-svg';
import { createVueI18nAdapter } from 'vuetify/locale/adapters/vue-i18n';
import { useI18n } from 'vue-i18n';
import { i18n } from './i18n';

export const vuetify = createVuetify({
  // SVG icons: no icon font to load, nothing the CSP must allow.
  icons: { defaultSet: 'mdi', aliases, sets: { mdi } },
  locale: { adapter: createVueI18nAdapter({ i18n, useI18n }) },
  theme: {
    defaultTheme: 'system',
    themes: {
      light: { colors: { primary: '#3559c7', secondary: '#5b6b8c' } },
      dark: { colors: { primary: '#8aa4ff', secondary: '#a9b4cc' } },
    },
  },
});
