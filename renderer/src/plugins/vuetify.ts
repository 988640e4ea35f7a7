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
    // Text must stay readable (WCAG AA, 4.5:1): field labels are drawn at the medium emphasis, which
    // Vuetify's light default leaves at 4.3:1 on white; its light success, warning and info colours are
    // 2.4–3.1:1 as the text of status chips and alerts; its dark error red is under 4.5:1 on surfaces.
    themes: {
      light: {
        colors: { primary: '#3559c7', secondary: '#5b6b8c', success: '#2a7030', warning: '#995400', info: '#0d5aa7' },
        variables: { 'medium-emphasis-opacity': 0.7 },
      },
      dark: { colors: { primary: '#8aa4ff', secondary: '#a9b4cc', error: '#ffb4ab' } },
    },
  },
});
