import { computed, reactive, ref } from 'vue';
import {
  connectionColors,
  connectionInputSchema,
  type AuthMethod,
  type ConnectionInput,
  type ConnectionSummary,
} from '../../../../common/connections';
import type { PickedFile } from '../../../../common/contract';

/** The add/edit dialog's fields: flat, as the form shows them. The secret lives only here. */
export interface ConnectionFormModel {
  name: string;
  color: string;
  baseUrl: string;
  method: AuthMethod;
  username: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
  secret: string;
  /** A newly picked CA file; null removes the saved one; undefined keeps it. */
  caFile: PickedFile | null | undefined;
  trustedFingerprint: string | null;
  proxyMode: 'system' | 'none' | 'custom';
  proxyUrl: string;
}

/** Form field → the schema paths whose problems it shows. */
const fieldPaths: Record<string, string[]> = {
  name: ['name'],
  color: ['color'],
  baseUrl: ['baseUrl'],
  username: ['auth.username'],
  tokenUrl: ['auth.tokenUrl'],
  clientId: ['auth.clientId'],
  scope: ['auth.scope'],
  secret: ['secret'],
  proxyUrl: ['proxy.url'],
  trustedFingerprint: ['tls.trustedFingerprint'],
};

const knownMessages = new Set(['required', 'tooLong', 'url', 'proxyUrl', 'color', 'fingerprint', 'handle']);

function modelFrom(existing: ConnectionSummary | null, index: number): ConnectionFormModel {
  const auth = existing?.auth;
  return {
    name: existing?.name ?? '',
    color: existing?.color ?? connectionColors[index % connectionColors.length]!,
    baseUrl: existing?.baseUrl ?? 'https://',
    method: auth?.method ?? 'password',
    username: auth?.method === 'password' ? auth.username : '',
    tokenUrl: auth?.method === 'oauth2' ? auth.tokenUrl : '',
    clientId: auth?.method === 'oauth2' ? auth.clientId : '',
    scope: auth?.method === 'oauth2' ? (auth.scope ?? '') : '',
    secret: '',
    caFile: undefined,
    trustedFingerprint: existing?.tls.trustedFingerprint ?? null,
    proxyMode: existing?.proxy.mode ?? 'system',
    proxyUrl: existing?.proxy.mode === 'custom' ? existing.proxy.url : '',
  };
}

/** What the form sends to main. */
export function toInput(model: ConnectionFormModel): ConnectionInput {
  const auth: ConnectionInput['auth'] =
    model.method === 'password'
      ? { method: 'password', username: model.username }
      : model.method === 'token'
        ? { method: 'token' }
        : { method: 'oauth2', tokenUrl: model.tokenUrl, clientId: model.clientId, scope: model.scope.trim() || null };
  const tls: NonNullable<ConnectionInput['tls']> = { trustedFingerprint: model.trustedFingerprint };
  if (model.caFile !== undefined) tls.caFile = model.caFile?.handle ?? null;
  return {
    name: model.name,
    color: model.color,
    baseUrl: model.baseUrl,
    auth,
    ...(model.secret ? { secret: model.secret } : {}),
    tls,
    proxy: model.proxyMode === 'custom' ? { mode: 'custom', url: model.proxyUrl } : { mode: model.proxyMode },
  };
}

/**
 * Form state with inline validation from the shared schema (common/connections.ts): a field shows
 * its problem once touched, every field once a save or test was tried.
 */
export function useConnectionForm(existing: ConnectionSummary | null, index = 0) {
  const model = reactive(modelFrom(existing, index));
  const touched = reactive(new Set<string>());
  const attempted = ref(false);
  const serverErrors = ref<Record<string, string>>({});

  const problems = computed<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    const parsed = connectionInputSchema.safeParse(toInput(model));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        const field = Object.keys(fieldPaths).find((key) => fieldPaths[key]!.includes(path)) ?? path;
        out[field] ??= `connections.form.errors.${knownMessages.has(issue.message) ? issue.message : 'invalid'}`;
      }
    }
    // A new connection needs its secret; an edited one keeps the saved secret when left empty.
    const needsSecret = !existing || !existing.hasSecret || existing.auth.method !== model.method;
    if (needsSecret && !model.secret) out.secret ??= 'connections.form.errors.required';
    return out;
  });

  const errorOf = (field: string): string | undefined =>
    serverErrors.value[field] ?? (attempted.value || touched.has(field) ? problems.value[field] : undefined);

  function touch(field: string) {
    touched.add(field);
    delete serverErrors.value[field];
  }

  /** Marks everything as tried; true when the form may be sent. */
  function check(): boolean {
    attempted.value = true;
    return Object.keys(problems.value).length === 0;
  }

  return { model, problems, errorOf, touch, check, serverErrors, input: () => toInput(model) };
}
