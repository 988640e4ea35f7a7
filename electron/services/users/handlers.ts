import { AppError } from '../../../common/errors';
import { hasFeature, type ConnectionFeature } from '../../../common/connections';
import type { DirectoryOptions } from '../../../common/users/directory';
import { usesScimUsers } from '../../../common/users/scim';
import type { User } from '../../../common/users/user';
import type { UserListParams } from '../api/admin';
import type { CancellationRegistry } from '../api/cancellation';
import type { ConnectionContext, ConnectionManager } from '../connections/manager';
import type { HandlersOf } from '../ipc/handlers';
import type { Logger } from '../log/logger';
import { DirectoryApi } from './directory-api';
import type { FileHandles } from '../dialogs/file-handles';
import { readAvatarImage } from './avatar-file';
import type { ImpersonationPort } from './impersonation';
import type { UsersViewsStore } from './views-store';
import { ScimDirectory } from './scim-directory';

export interface UsersDeps {
  connections: ConnectionManager;
  cancellation: CancellationRegistry;
  views: UsersViewsStore;
  impersonation: ImpersonationPort;
  logger: Logger;
  files: FileHandles;
}

/**
 * A route the server does not have answers 404 "no route …": that is a missing feature of this
 * backend, not a missing user, and is reported as such.
 */
export function notSupportedWhenNoRoute(error: unknown): never {
  if (error instanceof AppError && error.code === 'notFound' && String(error.params.detail ?? '').startsWith('no route')) {
    throw new AppError('notSupported', { status: 404 });
  }
  throw error;
}

/** Runs a call on the active connection with the directory API, refusing features the backend lacks. */
export function withDirectory<T>(
  connections: ConnectionManager,
  feature: ConnectionFeature | null,
  work: (api: DirectoryApi, context: ConnectionContext) => Promise<T>,
): Promise<T> {
  return connections.use(async (context) => {
    if (feature && !hasFeature(context.capabilities, feature)) throw new AppError('notSupported', { feature });
    try {
      return await work(new DirectoryApi(context.http), context);
    } catch (error) {
      return notSupportedWhenNoRoute(error);
    }
  });
}

/**
 * The calls of the users list, form and profile that a plain SCIM backend can answer: through the
 * admin API when the backend has it, else through SCIM (`ScimDirectory`), else `notSupported`.
 */
export function withUsers<T>(
  connections: ConnectionManager,
  admin: (api: DirectoryApi, context: ConnectionContext) => Promise<T>,
  scim: (directory: ScimDirectory, context: ConnectionContext) => Promise<T>,
): Promise<T> {
  return connections.use(async (context) => {
    if (usesScimUsers(context.capabilities)) return scim(new ScimDirectory(context.scim, context.capabilities), context);
    if (!hasFeature(context.capabilities, 'users')) throw new AppError('notSupported', { feature: 'users' });
    try {
      return await admin(new DirectoryApi(context.http), context);
    } catch (error) {
      return notSupportedWhenNoRoute(error);
    }
  });
}

/** An optional vocabulary: a backend without it (or a caller without its permission) gives an empty list. */
async function optional<T>(load: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof AppError && ['notFound', 'forbidden', 'notSupported'].includes(error.code)) return fallback;
    throw error;
  }
}

/** A plain SCIM server has none of the directory's vocabularies. */
async function scimOptions(_scim: ScimDirectory, context: ConnectionContext): Promise<DirectoryOptions> {
  return {
    roles: [],
    segments: [],
    badges: [],
    languages: context.fieldSchema.languages.map((code) => ({ code, name: code })),
    customFields: [],
    licenses: null,
    trashRetentionDays: 0,
  };
}

function activeId(connections: ConnectionManager): string {
  const active = connections.active();
  if (!active) throw new AppError('notConnected');
  return active.id;
}

export function usersHandlers(deps: UsersDeps): HandlersOf<'users'> {
  const { connections, cancellation, views } = deps;
  const run = <T>(
    work: (api: DirectoryApi, context: ConnectionContext) => Promise<T>,
    feature: ConnectionFeature | null = 'users',
  ) => withDirectory(connections, feature, work);
  const either = <T>(
    admin: (api: DirectoryApi, context: ConnectionContext) => Promise<T>,
    scim: (directory: ScimDirectory, context: ConnectionContext) => Promise<T>,
  ) => withUsers(connections, admin, scim);

  return {
    'users/list': ({ query, requestId }) =>
      cancellation.run(requestId, (signal) =>
        either(
          async (_api, { admin }) => {
            const page = await admin.listUsers(query as UserListParams, { signal });
            return { ...page, totalExact: (page as { totalExact?: boolean }).totalExact !== false };
          },
          (scim) => scim.list(query, { signal }),
        ),
      ),
    'users/get': ({ id }) =>
      either(
        async (_api, { admin }) => (await admin.getUser(id)).value,
        (scim) => scim.get(id),
      ),
    // The server mails the typed password or an invitation in the same transaction as the create.
    'users/create': ({ user, after }) =>
      either(
        async (_api, { admin }) => {
          const query = after === 'sendPassword' ? { sendPassword: 'true' } : after === 'invite' ? { invite: 'true' } : undefined;
          const response = await admin.http.request<User>({ method: 'POST', path: '/api/v1/users', query, body: user });
          return { user: response.data, mailed: after !== 'none' };
        },
        async (scim) => {
          // SCIM sends no mail: the form offers neither choice there.
          if (after !== 'none') throw new AppError('notSupported', { feature: after });
          return scim.create(user);
        },
      ),
    'users/update': ({ id, version, etag, patch }) =>
      either(
        async (_api, { admin }) => (await admin.patchUser(id, patch, { ifMatch: version })).value,
        (scim) => scim.update(id, patch, etag ?? null),
      ),
    'users/delete': ({ id, version, etag, fallbackOwnerId }) =>
      either(
        async (_api, { admin }) => {
          if (fallbackOwnerId) {
            await admin.http.request({
              method: 'DELETE',
              path: `/api/v1/users/${encodeURIComponent(id)}`,
              body: { fallbackOwnerId },
              headers: version !== undefined ? { 'if-match': `W/"${version}"` } : undefined,
            });
          } else await admin.deleteUser(id, { ifMatch: version });
          return null;
        },
        async (scim) => {
          if (fallbackOwnerId) throw new AppError('notSupported', { feature: 'fallbackOwner' });
          await scim.delete(id, etag ?? null);
          return null;
        },
      ),
    // Only a ban takes a reason (required by the server); activate and deactivate take none.
    'users/readImage': ({ handle }) => readAvatarImage(deps.files.resolve(handle)),
    'users/setAvatar': ({ id, version, image }) => run((api) => api.setAvatar(id, image, version)),
    'users/setStatus': ({ id, action, reason }) => {
      if (action === 'ban' && !reason)
        throw new AppError(
          'validation',
          { field: 'reason' },
          { key: 'errors.validation', issues: [{ path: 'reason', key: 'validation.user.required' }] },
        );
      return either(
        (api) => api.action(id, action, action === 'ban' ? { reason } : {}),
        (scim) => scim.setStatus(id, action),
      );
    },
    'users/anonymize': ({ id }) => run((api) => api.action(id, 'anonymize', { confirm: true })),
    'users/resetPassword': ({ id, method }) => run((api) => api.resetPassword(id, method)),
    'users/invite': ({ id }) => run((api) => api.invite(id)),
    'users/impersonate': ({ id, reason }) =>
      run(async (api) => {
        const start = await api.impersonate(id, reason);
        deps.logger.info('users: impersonation opened', { id });
        return deps.impersonation.open(start.url);
      }, 'impersonation'),
    'users/activity': ({ id, type, from, to, before }) =>
      run((api) => api.activity(id, { type, from, to, before, pageSize: 50 }), 'activity'),
    'users/lastAccess': ({ id, days }) => run((api) => api.lastAccess(id, days), 'activity'),
    'users/signIns': ({ id, days }) => run((api) => api.signInsPerDay(id, days), 'activity'),
    'users/sessions': ({ id, ended }) => run((api) => api.sessions(id, ended), 'sessions'),
    'users/endSession': ({ id, sessionId }) =>
      run(async (api) => {
        await api.endSession(id, sessionId);
        return null;
      }, 'sessions'),
    'users/endAllSessions': ({ id }) =>
      run(async (api) => {
        await api.endAllSessions(id);
        return null;
      }, 'sessions'),
    'users/notes': ({ id }) => run((api) => api.notes(id), 'notes'),
    'users/addNote': ({ id, body }) => run((api) => api.addNote(id, body), 'notes'),
    'users/editNote': ({ id, noteId, body, version }) => run((api) => api.editNote(id, noteId, body, version), 'notes'),
    'users/formAnswers': ({ id }) => run((api) => api.formAnswers(id), 'forms'),
    'users/rights': ({ id }) => run((api) => api.rights(id)),
    'users/options': () =>
      either(async (api, context): Promise<DirectoryOptions> => {
        const offers = (feature: ConnectionFeature) => hasFeature(context.capabilities, feature);
        const [roles, segments, badges, languages, settings, customFields] = await Promise.all([
          offers('roles') ? optional(() => api.roles(), []) : [],
          offers('segments') ? optional(() => api.segments(), []) : [],
          offers('badges') ? optional(() => api.badges(), []) : [],
          offers('languages') ? optional(() => api.languages(), []) : [],
          optional(() => api.settings(), null),
          // Live, not the schema cached at connect time: a field defined since then is in the form at once.
          offers('customFields')
            ? optional(() => api.customFields(), context.fieldSchema.customFields)
            : context.fieldSchema.customFields,
        ]);
        const schemaLanguages = context.fieldSchema.languages.map((code) => ({ code, name: code }));
        return {
          roles: roles.length
            ? roles.map((r) => ({ key: r.key, name: r.name, builtin: r.builtin, permissions: r.permissions }))
            : context.fieldSchema.roles.map((r) => ({ ...r, builtin: true, permissions: [] })),
          segments: segments.map((s) => ({ id: s.id, name: s.name })),
          badges: badges.map((b) => ({ key: b.key, name: b.name })),
          languages: languages.length
            ? languages.filter((l) => l.enabled).map((l) => ({ code: l.code, name: l.name }))
            : schemaLanguages,
          customFields,
          licenses: settings && offers('licenses') ? settings.licenses : null,
          trashRetentionDays: settings?.policies.trashRetentionDays ?? context.fieldSchema.policies.trashRetentionDays,
        };
      }, scimOptions),
    // Which saved segments hold this user: each segment's filter narrowed by the username, in SQL.
    'users/segments': ({ id }) =>
      run(async (api, { admin }) => {
        const user = (await admin.getUser(id)).value;
        const segments = await optional(() => api.segments(), []);
        const holding = await Promise.all(
          segments.map(async (segment) => {
            const page = await admin.listUsers({ segment: segment.id, q: user.username, pageSize: 100 } as UserListParams);
            return page.items.some((u) => u.id === id) ? { id: segment.id, name: segment.name } : null;
          }),
        );
        return holding.filter((s): s is { id: string; name: string } => s !== null);
      }, 'segments'),
    'users/searchTags': ({ q }) => run(async (api) => (await api.tags(q)).map((t) => t.name), 'tags'),
    'users/searchGroups': ({ q }) => run(async (api) => (await api.groups(q)).map((g) => ({ id: g.id, name: g.name })), 'groups'),
    'users/views': () => views.state(activeId(connections)),
    'users/saveView': ({ name, query }) => views.save(activeId(connections), name, query),
    'users/deleteView': ({ id }) => views.delete(activeId(connections), id),
    'users/setColumns': ({ columns }) => views.setColumns(activeId(connections), columns),
  };
}
