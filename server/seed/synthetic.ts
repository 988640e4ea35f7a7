/**
 * Deterministic synthetic users for `userdeck seed` and the benchmarks: user `i` is always the same
 * person, whatever the batch size, with accented and non-Latin names, groups, tags, custom field
 * values and registration / last-login dates spread over ten years.
 */
import type { CustomFieldDefinition } from '../../common/users/fields';
import type { CustomFieldValue, UserWrite } from '../../common/users/user';

const firstNames = [
  'José',
  'María',
  'Zoë',
  'Chloé',
  'Renée',
  'Jürgen',
  'Søren',
  'Łukasz',
  'Ana',
  'Björn',
  'François',
  'Ines',
  'Mohammed',
  'Fatima',
  'Aiko',
  'Hiroshi',
  'Olga',
  'Dmitri',
  'Priya',
  'Arjun',
  'Liam',
  'Emma',
  'Noah',
  'Olivia',
  'Ngozi',
  'Kwame',
  'Mei',
  'Wei',
  'Yasmin',
  'Mateo',
  'Élodie',
  'Şebnem',
  'Ævar',
  'Dóra',
  'Nuño',
  'Ximena',
  '伟',
  '芳',
  'さくら',
  '翔太',
  'Алексей',
  'Наталья',
  'محمد',
  'فاطمة',
  'Γιώργος',
  'Ελένη',
  'अर्जुन',
  'प्रिया',
];
const lastNames = [
  'García',
  'Müller',
  'Dubois',
  'Åström',
  'Nowak',
  'Øvergaard',
  'Smith',
  'Núñez',
  'Fernández',
  'Lefèvre',
  'Kowalczyk',
  'Rossi',
  'Björklund',
  "O'Brien",
  'Nguyễn',
  'Yılmaz',
  'Schäfer',
  'Martin',
  'Silva',
  'Kim',
  'Okafor',
  'Mensah',
  'Tanaka',
  'Sato',
  'Ivanova',
  'Petrov',
  'Patel',
  'Sharma',
  'Haddad',
  'Cohen',
  'Jensen',
  'Virtanen',
  'Horváth',
  '李',
  '王',
  '佐藤',
  '鈴木',
  'Иванов',
  'Смирнова',
  'العلي',
  'حداد',
  'Παπαδόπουλος',
  'शर्मा',
  'de la Cruz',
  'van der Berg',
];
const groups = [
  ...Array.from({ length: 40 }, (_, i) => `Team ${String(i + 1).padStart(2, '0')}`),
  'Équipe Nord',
  'Ventas Sur',
  'Forschung & Entwicklung',
  '営業部',
  'Отдел кадров',
  'Ιατρική',
  'Support',
  'Direction',
  'Interns',
  'Alumni',
];
const tags = [
  'vip',
  'beta',
  'newsletter',
  'mentor',
  'remote',
  'onsite',
  'contractor',
  'partner',
  'trainer',
  'speaker',
  'ambassador',
  'alumni',
  'board',
  'volunteer',
  'early-adopter',
  'gdpr-review',
  'sso',
  'legacy',
  'priority',
  'écoute',
  'support-tier-1',
  'support-tier-2',
  'q1',
  'q2',
  'q3',
  'q4',
  'apac',
  'emea',
  'amer',
  'latam',
];
const departments = ['Sales', 'Marketing', 'R&D', 'Support', 'Finance', 'HR', 'Legal', 'Operations'];
const skills = ['Excel', 'Python', 'Negotiation', 'Design', 'SQL', 'Public speaking', 'Français', 'Español'];
const languages = ['en', 'es', 'fr', 'de', 'pt', 'zh', 'ja', 'ar', 'ru', 'el', 'hi'];
const mottos = ['Carpe diem', 'Toujours prêt', 'Más vale tarde que nunca', 'Festina lente', '一期一会', 'Semper fidelis'];

/** The custom fields the synthetic users fill in. */
export const syntheticFields: CustomFieldDefinition[] = [
  {
    key: 'department',
    label: 'Department',
    type: 'select',
    required: false,
    pattern: null,
    options: departments,
    description: null,
  },
  { key: 'level', label: 'Level', type: 'number', required: false, pattern: null, options: [], description: null },
  { key: 'hired', label: 'Hired on', type: 'date', required: false, pattern: null, options: [], description: null },
  { key: 'remote', label: 'Remote', type: 'boolean', required: false, pattern: null, options: [], description: null },
  { key: 'skills', label: 'Skills', type: 'multiselect', required: false, pattern: null, options: skills, description: null },
  { key: 'motto', label: 'Motto', type: 'text', required: false, pattern: null, options: [], description: null },
];

/** mulberry32: a tiny seeded generator, so user i is the same on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ascii = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

const start = Date.parse('2015-01-01T00:00:00Z');
const end = Date.parse('2025-06-01T00:00:00Z');

export function syntheticUser(i: number, seed = 1): UserWrite {
  const r = rng(Math.imul(i + 1, 2654435761) ^ seed);
  // The first outputs of nearby seeds are alike: skip them.
  r();
  r();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const firstName = pick(firstNames);
  const lastName = pick(lastNames);
  const base = ascii(`${firstName}.${lastName}`) || 'user';
  const createdAt = start + Math.floor(r() * (end - start));
  const connected = r() < 0.8;
  const lastLogin = connected ? createdAt + Math.floor(r() * (end - createdAt)) : null;
  const userGroups = [pick(groups), ...(r() < 0.4 ? [pick(groups)] : [])];
  const userTags = Array.from({ length: Math.floor(r() * 4) }, () => pick(tags));
  const custom: Record<string, CustomFieldValue> = { department: pick(departments) };
  if (r() < 0.5) custom.level = 1 + Math.floor(r() * 10);
  if (r() < 0.3) custom.hired = new Date(createdAt - Math.floor(r() * 5 * 365) * 86_400_000).toISOString().slice(0, 10);
  if (r() < 0.5) custom.remote = r() < 0.5;
  if (r() < 0.2) custom.skills = [...new Set([pick(skills), pick(skills)])];
  if (r() < 0.05) custom.motto = pick(mottos);
  return {
    username: `${firstName.toLowerCase().replace(/\s+/g, '')}.${lastName.toLowerCase().replace(/[\s']+/g, '')}.${i}`,
    email: `${base}.${i}@example.com`,
    firstName,
    lastName,
    language: pick(languages),
    active: r() < 0.9,
    emailVerified: r() < 0.7,
    external: r() < 0.15,
    groups: [...new Set(userGroups)],
    tags: [...new Set(userTags)],
    customFields: custom,
    createdAt: new Date(createdAt).toISOString(),
    lastLoginAt: lastLogin === null ? null : new Date(lastLogin).toISOString(),
    loginCount: lastLogin === null ? 0 : 1 + Math.floor(r() * 400),
  };
}
