/**
 * Capability discovery: a Userdeck server answers `GET /api/v1/capabilities` and unlocks the admin
 * features; any other server is used through SCIM with what its ServiceProviderConfig offers.
 */
import { AppError } from '../../../common/errors';
import { adminFeatures, type AdminFeature, type Capabilities, type Me } from '../../../common/api/admin';
import type { ConnectionCapabilities, ConnectionFeature, ConnectionIdentity, ScimFeature } from '../../../common/connections';
import { defaultFieldSchema, fieldSchemaSchema, type FieldSchema } from '../../../common/users/fields';
import type { ApiClient } from '../api';
import { ScimClient, type ScimServiceProviderConfig, type ScimUser } from '../api/scim';

/** Where to look for SCIM under a base URL: the Userdeck layout, then the URL itself. */
const scimPathCandidates = ['/scim/v2', ''];

/** Statuses that mean "no such endpoint here", not "something is wrong". */
const notHere = new Set(['notFound', 'validation', 'server']);

function scimFeaturesOf(config: ScimServiceProviderConfig): ScimFeature[] {
  const features: ScimFeature[] = ['scimUsers', 'scimGroups'];
  if (config.filter?.supported) features.push('scimFilter');
  if (config.sort?.supported) features.push('scimSort');
  if (config.patch?.supported) features.push('scimPatch');
  if (config.bulk?.supported) features.push('scimBulk');
  if (config.etag?.supported) features.push('scimEtag');
  if (config.pagination?.cursor) features.push('scimCursor');
  return features;
}

async function findScim(
  api: ApiClient,
  signal?: AbortSignal,
): Promise<{ path: string; config: ScimServiceProviderConfig } | null> {
  for (const path of scimPathCandidates) {
    try {
      const config = await new ScimClient(api.http, path).serviceProviderConfig({ signal });
      if (config && typeof config === 'object' && ('patch' in config || 'filter' in config || 'schemas' in config)) {
        return { path, config };
      }
    } catch (error) {
      if (!(error instanceof AppError) || !notHere.has(error.code)) throw error;
    }
  }
  return null;
}

export interface Discovery {
  capabilities: ConnectionCapabilities;
  fieldSchema: FieldSchema;
}

export async function discover(api: ApiClient, signal?: AbortSignal): Promise<Discovery> {
  let admin: Capabilities | null = null;
  try {
    const answer = await api.admin.capabilities({ signal });
    if (answer && typeof answer === 'object' && answer.product === 'userdeck') admin = answer;
  } catch (error) {
    if (!(error instanceof AppError) || !notHere.has(error.code)) throw error;
  }
  const scim = await findScim(api, signal).catch((error: unknown) => {
    if (admin) return null; // SCIM is a bonus on a Userdeck server.
    throw error;
  });

  if (admin) {
    const known = new Set<string>(adminFeatures);
    const features: ConnectionFeature[] = [
      ...(admin.features ?? []).filter((f): f is AdminFeature => known.has(f)),
      ...(scim ? scimFeaturesOf(scim.config) : []),
    ];
    const parsed = fieldSchemaSchema.safeParse(admin.fieldSchema);
    return {
      capabilities: {
        kind: 'userdeck',
        version: typeof admin.version === 'string' ? admin.version : null,
        features,
        scimPath: scim?.path ?? null,
        limits: admin.limits ?? null,
        bulk: scim?.config.bulk?.supported
          ? { maxOperations: scim.config.bulk.maxOperations ?? 0, maxPayloadSize: scim.config.bulk.maxPayloadSize ?? 0 }
          : null,
      },
      fieldSchema: parsed.success ? parsed.data : defaultFieldSchema,
    };
  }
  if (!scim) throw new AppError('notSupported', { host: api.http.host }, { key: 'errors.notADirectory' });
  return {
    capabilities: {
      kind: 'scim',
      version: null,
      features: scimFeaturesOf(scim.config),
      scimPath: scim.path,
      limits: null,
      bulk: scim.config.bulk?.supported
        ? { maxOperations: scim.config.bulk.maxOperations ?? 0, maxPayloadSize: scim.config.bulk.maxPayloadSize ?? 0 }
        : null,
    },
    fieldSchema: defaultFieldSchema,
  };
}

/** Who we are signed in as: `/auth/me` on Userdeck, SCIM `/Me` where a plain server has it. */
export async function identify(
  api: ApiClient,
  capabilities: ConnectionCapabilities,
  fallback: ConnectionIdentity | null,
  signal?: AbortSignal,
): Promise<ConnectionIdentity | null> {
  if (capabilities.kind === 'userdeck') {
    const me: Me = await api.admin.me({ signal });
    if (me.user) {
      const name = me.user.displayName || [me.user.firstName, me.user.lastName].filter(Boolean).join(' ') || me.user.username;
      return { kind: 'user', name, username: me.user.username, roles: me.user.roles ?? [], permissions: me.permissions ?? [] };
    }
    return { kind: 'token', name: me.token?.name ?? '', username: null, roles: [], permissions: me.permissions ?? [] };
  }
  try {
    const me = (await api.http.request<ScimUser>({ method: 'GET', path: `${capabilities.scimPath ?? ''}/Me`, signal })).data;
    if (me?.userName)
      return { kind: 'user', name: me.displayName || me.userName, username: me.userName, roles: [], permissions: [] };
  } catch {
    // /Me is optional in SCIM (RFC 7644 §3.11).
  }
  return fallback;
}
