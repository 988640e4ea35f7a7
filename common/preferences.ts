import { z } from 'zod';

export const locales = ['en', 'es', 'fr'] as const;
export type Locale = (typeof locales)[number];

export const themeModes = ['system', 'light', 'dark'] as const;
export type ThemeMode = (typeof themeModes)[number];

/** The user's app preferences, kept by main in the data folder. */
export const preferencesSchema = z.object({
  theme: z.enum(themeModes),
  /** null: follow the operating system's language. */
  locale: z.enum(locales).nullable(),
  drawerRail: z.boolean(),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const defaultPreferences: Preferences = { theme: 'system', locale: null, drawerRail: false };

/** Picks the supported locale closest to an OS or browser language tag. */
export function matchLocale(tag: string | undefined | null): Locale {
  const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
  return (locales as readonly string[]).includes(base ?? '') ? (base as Locale) : 'en';
}
