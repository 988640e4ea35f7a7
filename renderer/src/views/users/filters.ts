/**
 * The choices of each filter and how an active filter reads as a chip ("Status: Banned"). Pure:
 * the filter bar and its tests share it, and no rule hides in a template.
 */
import { enrollmentFilters, tagModes, userStatuses } from '../../../../common/users/query';
import type { DirectoryOptions, UserQuery } from '../../../../common/users/directory';
import { dataSources } from '../../../../common/users/user';
import { activeFilterKeys, listOf } from './query';

type Translate = (key: string, params?: Record<string, unknown>) => string;

export interface Choice {
  title: string;
  value: string;
}

export function filterChoices(t: Translate) {
  return {
    status: userStatuses.map((value) => ({ title: t(`users.filters.statuses.${value}`), value })),
    verified: [
      { title: t('users.verification.verified'), value: 'true' },
      { title: t('users.verification.unverified'), value: 'false' },
    ],
    connected: [
      { title: t('users.filters.connectedChoices.ever'), value: 'ever' },
      { title: t('users.filters.connectedChoices.never'), value: 'never' },
    ],
    enrollment: enrollmentFilters.map((value) => ({ title: t(`users.filters.enrollments.${value}`), value })),
    external: [
      { title: t('users.external.internal'), value: 'false' },
      { title: t('users.external.external'), value: 'true' },
    ],
    source: dataSources.map((value) => ({ title: t(`users.sources.${value}`), value })),
    tagsMode: tagModes.map((value) => ({ title: t(`users.filters.tagModes.${value}`), value })),
    boolean: [
      { title: t('common.yes'), value: 'true' },
      { title: t('common.no'), value: 'false' },
    ],
  } satisfies Record<string, Choice[]>;
}

/** A custom-field filter of a number or date is `from..to` (either side may be empty). */
export function splitRange(value: string | undefined): [string, string] {
  if (!value) return ['', ''];
  const at = value.indexOf('..');
  return at < 0 ? [value, value] : [value.slice(0, at), value.slice(at + 2)];
}

export function joinRange(from: string | undefined, to: string | undefined): string | undefined {
  if (!from && !to) return undefined;
  return `${from ?? ''}..${to ?? ''}`;
}

export interface FilterChip {
  /** The query keys the chip clears. */
  keys: string[];
  label: string;
}

/** One chip per active filter; ranges read as one chip. */
export function filterChips(
  query: UserQuery,
  options: DirectoryOptions | null,
  t: Translate,
  day: (v: string) => string,
): FilterChip[] {
  const choices = filterChoices(t);
  const pick = (list: Choice[], value: string) => list.find((c) => c.value === value)?.title ?? value;
  const chips: FilterChip[] = [];
  const keys = new Set(activeFilterKeys(query));
  const range = (from: string, to: string, label: string) => {
    if (!keys.has(from) && !keys.has(to)) return;
    keys.delete(from);
    keys.delete(to);
    const text =
      query[from] && query[to]
        ? `${day(query[from]!)} – ${day(query[to]!)}`
        : query[from]
          ? `≥ ${day(query[from]!)}`
          : `≤ ${day(query[to]!)}`;
    chips.push({ keys: [from, to], label: `${label}: ${text}` });
  };
  range('registeredFrom', 'registeredTo', t('users.filters.registered'));
  range('lastLoginFrom', 'lastLoginTo', t('users.filters.lastLogin'));
  for (const key of keys) {
    const value = query[key]!;
    let text: string;
    switch (key) {
      case 'status':
      case 'verified':
      case 'connected':
      case 'enrollment':
      case 'external':
      case 'source':
        text = pick(choices[key], value);
        break;
      case 'role':
        text = listOf(value)
          .map((r) => options?.roles.find((o) => o.key === r)?.name ?? r)
          .join(', ');
        break;
      case 'segment':
        text = options?.segments.find((s) => s.id === value)?.name ?? value;
        break;
      case 'tags':
        text = `${t(`users.filters.tagModes.${query.tagsMode ?? 'any'}`)} ${listOf(value).join(', ')}`;
        break;
      case 'group':
        text = listOf(value).join(', ');
        break;
      default:
        if (key.startsWith('cf.')) {
          const def = options?.customFields.find((f) => f.key === key.slice(3));
          const [from, to] = splitRange(value);
          const shown =
            def?.type === 'number' || def?.type === 'date'
              ? value.includes('..')
                ? `${from || '…'} – ${to || '…'}`
                : value
              : def?.type === 'boolean'
                ? pick(choices.boolean, value)
                : value === ''
                  ? t('users.filters.empty')
                  : value;
          chips.push({ keys: [key], label: `${def?.label ?? key.slice(3)}: ${shown}` });
          continue;
        }
        text = value;
    }
    chips.push({ keys: key === 'tags' ? ['tags', 'tagsMode'] : [key], label: `${t(`users.filters.${key}`)}: ${text}` });
  }
  if (query.tagsMode === 'missing' && !query.tags) chips.push({ keys: ['tagsMode'], label: t('users.filters.noTags') });
  return chips;
}
