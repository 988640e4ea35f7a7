/**
 * A SCIM 2.0 client (RFC 7643/7644): discovery, Users, Groups, PATCH, Bulk, ETags, and the cursor
 * paging of RFC 9865 where the server offers it. Works against any SCIM server; the Userdeck server
 * serves it at `/scim/v2`.
 */
import { AppError } from '../../../common/errors';
import type { CallOptions, HttpClient, HttpResponse, QueryValue } from './http';

export const SCIM_CONTENT_TYPE = 'application/scim+json';
export const scimSchemas = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  userdeckUser: 'urn:userdeck:scim:schemas:extension:2.0:User',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
} as const;

export interface ScimMeta {
  resourceType?: string;
  created?: string;
  lastModified?: string;
  location?: string;
  version?: string;
}

export interface ScimResource {
  schemas: string[];
  id?: string;
  externalId?: string;
  meta?: ScimMeta;
  [attribute: string]: unknown;
}

export interface ScimUser extends ScimResource {
  userName: string;
  name?: {
    givenName?: string;
    familyName?: string;
    formatted?: string;
    middleName?: string;
    honorificPrefix?: string;
    honorificSuffix?: string;
  };
  displayName?: string;
  emails?: { value: string; type?: string; primary?: boolean }[];
  active?: boolean;
  password?: string;
}

export interface ScimGroup extends ScimResource {
  displayName: string;
  members?: { value: string; display?: string; type?: string; $ref?: string }[];
}

export interface ScimListResponse<T> {
  schemas: string[];
  totalResults: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources?: T[];
  /** RFC 9865. */
  nextCursor?: string;
  previousCursor?: string;
}

export interface ScimServiceProviderConfig {
  patch?: { supported: boolean };
  bulk?: { supported: boolean; maxOperations?: number; maxPayloadSize?: number };
  filter?: { supported: boolean; maxResults?: number };
  changePassword?: { supported: boolean };
  sort?: { supported: boolean };
  etag?: { supported: boolean };
  authenticationSchemes?: { type: string; name: string }[];
  /** RFC 9865. */
  pagination?: { cursor?: boolean; index?: boolean; defaultPaginationMethod?: string; maxPageSize?: number };
}

export interface ScimPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

export interface ScimListQuery {
  filter?: string;
  sortBy?: string;
  sortOrder?: 'ascending' | 'descending';
  /** 1-based. */
  startIndex?: number;
  count?: number;
  /** RFC 9865: an empty string asks for the first page by cursor. */
  cursor?: string;
  attributes?: string[];
  excludedAttributes?: string[];
}

export interface ScimBulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  bulkId?: string;
  version?: string;
  data?: unknown;
}

export interface ScimBulkResponse {
  schemas: string[];
  Operations: { method: string; bulkId?: string; location?: string; status: string; response?: unknown; version?: string }[];
}

export interface ScimWriteOptions extends CallOptions {
  /** The ETag (`meta.version`) read with the resource. */
  ifMatch?: string;
}

type Kind = 'Users' | 'Groups';

export class ScimClient {
  /** `basePath` is where the SCIM endpoints live relative to the connection's URL. */
  constructor(
    readonly http: HttpClient,
    readonly basePath = '/scim/v2',
  ) {}

  private call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: CallOptions & { body?: unknown; query?: Record<string, QueryValue>; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse<T>> {
    return this.http.request<T>({ method, path: `${this.basePath}${path}`, contentType: SCIM_CONTENT_TYPE, ...options });
  }

  private async write<T>(
    method: 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body: unknown,
    options: ScimWriteOptions,
  ): Promise<HttpResponse<T>> {
    const { ifMatch, ...call } = options;
    try {
      return await this.call<T>(method, path, { ...call, body, headers: ifMatch ? { 'if-match': ifMatch } : undefined });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'staleVersion') throw error;
      let current: unknown = null;
      try {
        current = (await this.call<unknown>('GET', path, { signal: options.signal })).data;
      } catch {
        // Deleted meanwhile.
      }
      throw new AppError('staleVersion', error.params, { details: { current } });
    }
  }

  // --- discovery ------------------------------------------------------------------------------

  async serviceProviderConfig(options: CallOptions = {}): Promise<ScimServiceProviderConfig> {
    return (await this.call<ScimServiceProviderConfig>('GET', '/ServiceProviderConfig', options)).data;
  }

  async resourceTypes(options: CallOptions = {}): Promise<ScimListResponse<ScimResource>> {
    return (await this.call<ScimListResponse<ScimResource>>('GET', '/ResourceTypes', options)).data;
  }

  async schemas(options: CallOptions = {}): Promise<ScimListResponse<ScimResource>> {
    return (await this.call<ScimListResponse<ScimResource>>('GET', '/Schemas', options)).data;
  }

  // --- resources ------------------------------------------------------------------------------

  private async list<T>(kind: Kind, query: ScimListQuery, options: CallOptions): Promise<ScimListResponse<T>> {
    const { attributes, excludedAttributes, ...rest } = query;
    return (
      await this.call<ScimListResponse<T>>('GET', `/${kind}`, {
        ...options,
        query: { ...rest, attributes, excludedAttributes },
      })
    ).data;
  }

  private async get<T>(kind: Kind, resourceId: string, options: CallOptions): Promise<T> {
    return (await this.call<T>('GET', `/${kind}/${encodeURIComponent(resourceId)}`, options)).data;
  }

  private async create<T>(kind: Kind, resource: T, options: CallOptions): Promise<T> {
    return (await this.call<T>('POST', `/${kind}`, { ...options, body: resource })).data;
  }

  listUsers(query: ScimListQuery = {}, options: CallOptions = {}) {
    return this.list<ScimUser>('Users', query, options);
  }

  getUser(userId: string, options: CallOptions = {}) {
    return this.get<ScimUser>('Users', userId, options);
  }

  createUser(user: ScimUser, options: CallOptions = {}) {
    return this.create<ScimUser>('Users', user, options);
  }

  async replaceUser(userId: string, user: ScimUser, options: ScimWriteOptions = {}): Promise<ScimUser> {
    return (await this.write<ScimUser>('PUT', `/Users/${encodeURIComponent(userId)}`, user, options)).data;
  }

  async patchUser(userId: string, operations: ScimPatchOperation[], options: ScimWriteOptions = {}): Promise<ScimUser | null> {
    const body = { schemas: [scimSchemas.patchOp], Operations: operations };
    return (await this.write<ScimUser | null>('PATCH', `/Users/${encodeURIComponent(userId)}`, body, options)).data;
  }

  async deleteUser(userId: string, options: ScimWriteOptions = {}): Promise<void> {
    await this.write('DELETE', `/Users/${encodeURIComponent(userId)}`, undefined, options);
  }

  listGroups(query: ScimListQuery = {}, options: CallOptions = {}) {
    return this.list<ScimGroup>('Groups', query, options);
  }

  getGroup(groupId: string, options: CallOptions = {}) {
    return this.get<ScimGroup>('Groups', groupId, options);
  }

  createGroup(group: ScimGroup, options: CallOptions = {}) {
    return this.create<ScimGroup>('Groups', group, options);
  }

  async patchGroup(groupId: string, operations: ScimPatchOperation[], options: ScimWriteOptions = {}): Promise<ScimGroup | null> {
    const body = { schemas: [scimSchemas.patchOp], Operations: operations };
    return (await this.write<ScimGroup | null>('PATCH', `/Groups/${encodeURIComponent(groupId)}`, body, options)).data;
  }

  async deleteGroup(groupId: string, options: ScimWriteOptions = {}): Promise<void> {
    await this.write('DELETE', `/Groups/${encodeURIComponent(groupId)}`, undefined, options);
  }

  /** RFC 7644 §3.7. Not retried: the operations carry no idempotency key. */
  async bulk(operations: ScimBulkOperation[], options: CallOptions & { failOnErrors?: number } = {}): Promise<ScimBulkResponse> {
    const { failOnErrors, ...call } = options;
    const body = {
      schemas: [scimSchemas.bulkRequest],
      ...(failOnErrors !== undefined ? { failOnErrors } : {}),
      Operations: operations,
    };
    return (await this.call<ScimBulkResponse>('POST', '/Bulk', { ...call, body })).data;
  }
}
