import { useI18n } from 'vue-i18n';

/** Dates and numbers in the user's language (vue-i18n's locale), never hand-formatted. */
export function useFormat() {
  const { d, n, locale } = useI18n();
  const toDate = (value: string | null | undefined) => (value ? new Date(value) : null);
  return {
    date: (value: string | null | undefined): string => {
      const date = toDate(value);
      return date ? String(d(date, { dateStyle: 'medium' } as never)) : '';
    },
    /** A calendar date (`YYYY-MM-DD`) shown as written in the locale, without shifting time zones. */
    day: (value: string | null | undefined): string => {
      if (!value) return '';
      const [y, m, dd] = value.slice(0, 10).split('-').map(Number);
      return String(d(new Date(y!, m! - 1, dd!), { dateStyle: 'medium' } as never));
    },
    dateTime: (value: string | null | undefined): string => {
      const date = toDate(value);
      return date ? String(d(date, { dateStyle: 'medium', timeStyle: 'short' } as never)) : '';
    },
    number: (value: number) => n(value),
    /** "3 days ago", "in 2 hours". */
    relative: (value: string | null | undefined, now = Date.now()) => {
      const date = toDate(value);
      if (!date) return '';
      const seconds = Math.round((date.getTime() - now) / 1000);
      const units: [Intl.RelativeTimeFormatUnit, number][] = [
        ['year', 31_536_000],
        ['month', 2_592_000],
        ['day', 86_400],
        ['hour', 3_600],
        ['minute', 60],
      ];
      const format = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' });
      for (const [unit, size] of units) if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
      return format.format(seconds, 'second');
    },
  };
}
