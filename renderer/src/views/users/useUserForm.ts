import { computed, reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import type { FieldIssue } from '../../../../common/errors';
import type { AfterCreate, UserFormWrite } from '../../../../common/users/directory';
import { defaultFieldSchema, type FieldSchema } from '../../../../common/users/fields';
import { scimRequiredFields, scimWritableFields } from '../../../../common/users/scim';
import { usernameFromNames } from '../../../../common/users/suggest';
import { parseNumber, problemKey, validateUser, type FieldProblem } from '../../../../common/users/validation';
import type { CustomFieldValue, User } from '../../../../common/users/user';

export interface UserFormState {
  firstName: string;
  lastName: string;
  maternalSurname: string;
  displayName: string;
  username: string;
  email: string;
  officialCode: string;
  phone: string;
  language: string | null;
  external: boolean;
  active: boolean;
  emailVerified: boolean;
  expiresAt: string;
  password: string;
  passwordConfirm: string;
  roles: string[];
  groups: string[];
  tags: string[];
  license: string;
  customFields: Record<string, CustomFieldValue>;
  after: AfterCreate;
}

export function emptyForm(): UserFormState {
  return {
    firstName: '',
    lastName: '',
    maternalSurname: '',
    displayName: '',
    username: '',
    email: '',
    officialCode: '',
    phone: '',
    language: null,
    external: false,
    active: true,
    emailVerified: false,
    expiresAt: '',
    password: '',
    passwordConfirm: '',
    roles: [],
    groups: [],
    tags: [],
    license: '',
    customFields: {},
    after: 'none',
  };
}

export function formFromUser(user: User): UserFormState {
  return {
    firstName: user.firstName,
    lastName: user.lastName,
    maternalSurname: user.maternalSurname ?? '',
    displayName: user.displayName ?? '',
    username: user.username,
    email: user.email ?? '',
    officialCode: user.officialCode ?? '',
    phone: user.phone ?? '',
    language: user.language,
    external: user.external,
    active: user.active,
    emailVerified: user.emailVerified,
    expiresAt: user.expiresAt?.slice(0, 10) ?? '',
    password: '',
    passwordConfirm: '',
    roles: [...user.roles],
    groups: user.groups.map((g) => g.name),
    tags: [...user.tags],
    license: user.license ?? '',
    customFields: { ...user.customFields },
    after: 'none',
  };
}

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

/** A custom field's value as the API wants it: numbers as numbers, blanks as null. */
function customValue(value: CustomFieldValue, type: string | undefined): CustomFieldValue {
  if (value === '' || value === undefined || (Array.isArray(value) && value.length === 0)) return null;
  if (type === 'number' && typeof value === 'string') return parseNumber(value) ?? value;
  return value;
}

/** Everything the form sends, before trimming to the changed fields of an edit. */
export function writeOf(state: UserFormState, schema: FieldSchema): UserFormWrite {
  const types = new Map(schema.customFields.map((f) => [f.key, f.type]));
  const write: UserFormWrite = {
    firstName: state.firstName.trim(),
    lastName: state.lastName.trim(),
    maternalSurname: orNull(state.maternalSurname),
    displayName: orNull(state.displayName),
    username: state.username.trim(),
    email: orNull(state.email),
    officialCode: orNull(state.officialCode),
    phone: orNull(state.phone),
    language: state.language || null,
    external: state.external,
    active: state.active,
    emailVerified: state.emailVerified,
    expiresAt: state.expiresAt ? `${state.expiresAt}T23:59:59.999Z` : null,
    roles: state.roles,
    groups: state.groups,
    tags: state.tags,
    license: orNull(state.license),
    customFields: Object.fromEntries(
      schema.customFields.map((f) => [f.key, customValue(state.customFields[f.key] ?? null, types.get(f.key))]),
    ),
  };
  if (state.password) write.password = state.password;
  return write;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields of an edit that differ from the user as loaded (a patch sends only those). */
export function patchOf(state: UserFormState, original: User, schema: FieldSchema): UserFormWrite {
  const full = writeOf(state, schema);
  const before = writeOf(formFromUser(original), schema);
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) {
    if (key === 'customFields') {
      const changed = Object.entries(value as Record<string, unknown>).filter(([k, v]) => !same(v, before.customFields?.[k]));
      if (changed.length) patch.customFields = Object.fromEntries(changed);
    } else if (key === 'password' || !same(value, (before as Record<string, unknown>)[key])) patch[key] = value;
  }
  return patch as UserFormWrite;
}

/**
 * The user form's state and its checks: the shared rules of common/users/validation live (on each
 * change once a field was touched) and on submit, the password confirmation, and the server's
 * per-field problems, each shown at its field. On a plain SCIM server (`scim`) only userName is
 * required, and a new user may have no password.
 */
export function useUserForm(schema: () => FieldSchema | null, mode: () => 'create' | 'edit', scim: () => boolean = () => false) {
  const { t } = useI18n();
  const state = reactive<UserFormState>(emptyForm());
  const touched = reactive(new Set<string>());
  const submitted = ref(false);
  const serverIssues = ref<FieldIssue[]>([]);
  /** The username was typed by the admin: stop proposing one from the names. */
  const usernameEdited = ref(false);

  const fieldSchema = computed(() => schema() ?? defaultFieldSchema);

  const problems = computed<FieldProblem[]>(() => {
    const record = { ...writeOf(state, fieldSchema.value) } as Record<string, unknown>;
    // An invitation lets the user choose a password; otherwise a new user needs one typed or generated.
    const all = validateUser(record, fieldSchema.value, { mode: mode() === 'create' ? 'create' : 'update' });
    // SCIM: the fields the form shows there, and only userName required.
    if (scim())
      return all.filter(
        (p) =>
          (scimWritableFields as readonly string[]).includes(p.field) &&
          (p.code !== 'required' || scimRequiredFields.includes(p.field)),
      );
    const list = all;
    if (mode() === 'create' && state.after !== 'invite' && !state.password) list.push({ field: 'password', code: 'required' });
    if (state.after !== 'none' && !state.email.trim()) list.push({ field: 'email', code: 'required' });
    return list;
  });

  const mismatch = computed(() => !!state.password && state.password !== state.passwordConfirm);

  function messages(field: string): string[] {
    const shown = submitted.value || touched.has(field);
    const own = shown ? problems.value.filter((p) => p.field === field).map((p) => t(problemKey(p), p.params ?? {})) : [];
    if (field === 'passwordConfirm' && mismatch.value && (submitted.value || touched.has('passwordConfirm')))
      own.push(t('users.form.errors.mismatch'));
    const server = serverIssues.value.filter((i) => i.path === field).map((i) => t(i.key, i.params ?? {}));
    return [...own, ...server];
  }

  function touch(field: string) {
    touched.add(field);
    serverIssues.value = serverIssues.value.filter((i) => i.path !== field);
  }

  /** Proposes `first.last` while the admin has not typed a username of their own. */
  function proposeUsername(force = false) {
    if (mode() !== 'create' || (usernameEdited.value && !force)) return;
    const proposal = usernameFromNames(state.firstName, state.lastName);
    if (proposal) state.username = proposal;
  }

  function load(next: UserFormState) {
    Object.assign(state, next);
    touched.clear();
    submitted.value = false;
    serverIssues.value = [];
    usernameEdited.value = mode() === 'edit';
  }

  const valid = computed(() => problems.value.length === 0 && !mismatch.value);

  /** Fields the server refused that the form has no place for (shown above the buttons). */
  const knownFields = new Set([...Object.keys(emptyForm()), 'customFields']);
  const otherIssues = computed(() =>
    serverIssues.value.filter((i) => !knownFields.has(i.path.split('.')[0]!) && !i.path.startsWith('customFields.')),
  );

  return {
    state,
    touched,
    submitted,
    serverIssues,
    problems,
    mismatch,
    valid,
    messages,
    touch,
    proposeUsername,
    load,
    usernameEdited,
    otherIssues,
    fieldSchema,
  };
}
