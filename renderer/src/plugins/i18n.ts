import { createI18n } from 'vue-i18n';
import { en as vuetifyEn, es as vuetifyEs, fr as vuetifyFr } from 'vuetify/locale';
import en from '../i18n/en';
import es from '../i18n/es';
import fr from '../i18n/fr';

export const messages = {
  en: { ...en, $vuetify: vuetifyEn },
  es: { ...es, $vuetify: vuetifyEs },
  fr: { ...fr, $vuetify: vuetifyFr },
};

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages,
  missingWarn: false,
  fallbackWarn: false,
});
