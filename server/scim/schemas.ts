/**
 * The SCIM schemas this server serves (RFC 7643 §4, §8.7): core User and Group, the enterprise
 * extension, and the Userdeck extension for the rest of DESIGN.md §5. The same definitions drive
 * the /Schemas endpoint, filter and PATCH path resolution, boolean coercion and caseExact rules.
 */
import type { StoredField } from '../custom-fields/store';

export const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const groupSchema = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseSchema = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const userdeckSchema = 'urn:userdeck:scim:schemas:extension:2.0:User';
export const listSchema = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const patchSchema = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const searchSchema = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const bulkRequestSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const bulkResponseSchema = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
export const errorSchema = 'urn:ietf:params:scim:api:messages:2.0:Error';

export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export interface Attr {
  name: string;
  type: AttrType;
  multiValued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'never' | 'default' | 'request';
  uniqueness?: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attr[];
  description?: string;
}

const str = (name: string, extra: Partial<Attr> = {}): Attr => ({ name, type: 'string', ...extra });
const typed = (canonical: string[]) => [
  str('value'),
  str('display'),
  str('type', { canonicalValues: canonical }),
  { name: 'primary', type: 'boolean' } as Attr,
];

export const userAttributes: Attr[] = [
  str('userName', { required: true, uniqueness: 'server' }),
  {
    name: 'name',
    type: 'complex',
    subAttributes: [
      str('formatted'),
      str('familyName'),
      str('givenName'),
      str('middleName'),
      str('honorificPrefix'),
      str('honorificSuffix'),
    ],
  },
  str('displayName'),
  str('nickName'),
  { name: 'profileUrl', type: 'reference', referenceTypes: ['external'] },
  str('title'),
  str('userType'),
  str('preferredLanguage'),
  str('locale'),
  str('timezone'),
  { name: 'active', type: 'boolean' },
  str('password', { mutability: 'writeOnly', returned: 'never' }),
  { name: 'emails', type: 'complex', multiValued: true, subAttributes: typed(['work', 'home', 'other']) },
  {
    name: 'phoneNumbers',
    type: 'complex',
    multiValued: true,
    subAttributes: typed(['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  },
  { name: 'ims', type: 'complex', multiValued: true, subAttributes: typed([]) },
  { name: 'photos', type: 'complex', multiValued: true, subAttributes: typed(['photo', 'thumbnail']) },
  {
    name: 'addresses',
    type: 'complex',
    multiValued: true,
    subAttributes: [
      str('formatted'),
      str('streetAddress'),
      str('locality'),
      str('region'),
      str('postalCode'),
      str('country'),
      str('type', { canonicalValues: ['work', 'home', 'other'] }),
      { name: 'primary', type: 'boolean' },
    ],
  },
  {
    name: 'groups',
    type: 'complex',
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      str('value', { mutability: 'readOnly' }),
      { name: '$ref', type: 'reference', mutability: 'readOnly' },
      str('display', { mutability: 'readOnly' }),
      str('type', { mutability: 'readOnly' }),
    ],
  },
  { name: 'entitlements', type: 'complex', multiValued: true, subAttributes: typed([]) },
  { name: 'roles', type: 'complex', multiValued: true, subAttributes: typed([]) },
  { name: 'x509Certificates', type: 'complex', multiValued: true, subAttributes: typed([]) },
];

export const enterpriseAttributes: Attr[] = [
  str('employeeNumber'),
  str('costCenter'),
  str('organization'),
  str('division'),
  str('department'),
  {
    name: 'manager',
    type: 'complex',
    subAttributes: [str('value'), { name: '$ref', type: 'reference' }, str('displayName', { mutability: 'readOnly' })],
  },
];

/** The Userdeck extension: the user model's fields that neither core nor enterprise has. */
export function userdeckAttributes(fields: StoredField[]): Attr[] {
  return [
    str('maternalSurname'),
    str('phone'),
    { name: 'external', type: 'boolean' },
    str('source', { mutability: 'readOnly', canonicalValues: ['manual', 'import', 'scim', 'sync'] }),
    { name: 'emailVerified', type: 'boolean' },
    str('inactiveReason', { mutability: 'readOnly' }),
    str('enrollment', { mutability: 'readOnly' }),
    { name: 'expiresAt', type: 'dateTime' },
    { name: 'lastLoginAt', type: 'dateTime', mutability: 'readOnly' },
    { name: 'loginCount', type: 'integer', mutability: 'readOnly' },
    str('license'),
    str('tags', { multiValued: true }),
    {
      name: 'customFields',
      type: 'complex',
      subAttributes: fields.map((f) => ({
        name: f.key,
        type: f.type === 'number' ? 'decimal' : f.type === 'boolean' ? 'boolean' : 'string',
        multiValued: f.type === 'multiselect',
        required: f.required,
        ...(f.type === 'select' || f.type === 'multiselect' ? { canonicalValues: f.options } : {}),
        description: f.label,
      })),
    },
  ];
}

export const groupAttributes: Attr[] = [
  str('displayName', { required: true, uniqueness: 'server' }),
  {
    name: 'members',
    type: 'complex',
    multiValued: true,
    subAttributes: [
      str('value', { mutability: 'immutable' }),
      { name: '$ref', type: 'reference', mutability: 'immutable' },
      str('display', { mutability: 'readOnly' }),
      str('type', { mutability: 'immutable', canonicalValues: ['User'] }),
    ],
  },
];

/** Attributes every resource has (RFC 7643 §3.1). */
export const commonAttributes: Attr[] = [
  str('id', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', { caseExact: true }),
  {
    name: 'meta',
    type: 'complex',
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', { mutability: 'readOnly' }),
      { name: 'created', type: 'dateTime', mutability: 'readOnly' },
      { name: 'lastModified', type: 'dateTime', mutability: 'readOnly' },
      { name: 'location', type: 'reference', mutability: 'readOnly' },
      str('version', { caseExact: true, mutability: 'readOnly' }),
    ],
  },
];

export interface ResourceSchemas {
  core: string;
  attributes: Attr[];
  extensions: { urn: string; attributes: Attr[] }[];
}

export const userResource = (fields: StoredField[]): ResourceSchemas => ({
  core: userSchema,
  attributes: [...commonAttributes, ...userAttributes],
  extensions: [
    { urn: enterpriseSchema, attributes: enterpriseAttributes },
    { urn: userdeckSchema, attributes: userdeckAttributes(fields) },
  ],
});

export const groupResource: ResourceSchemas = {
  core: groupSchema,
  attributes: [...commonAttributes, ...groupAttributes],
  extensions: [],
};

const describe = (a: Attr): Record<string, unknown> => ({
  name: a.name,
  type: a.type,
  multiValued: a.multiValued ?? false,
  description: a.description ?? a.name,
  required: a.required ?? false,
  caseExact: a.caseExact ?? false,
  mutability: a.mutability ?? 'readWrite',
  returned: a.returned ?? 'default',
  uniqueness: a.uniqueness ?? 'none',
  ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
  ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : {}),
  ...(a.subAttributes ? { subAttributes: a.subAttributes.map(describe) } : {}),
});

/** The /Schemas representations (RFC 7643 §7). */
export function schemaDocuments(fields: StoredField[], base: string) {
  const doc = (id: string, name: string, attributes: Attr[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id,
    name,
    description: name,
    attributes: attributes.map(describe),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  });
  return [
    doc(userSchema, 'User', userAttributes),
    doc(groupSchema, 'Group', groupAttributes),
    doc(enterpriseSchema, 'EnterpriseUser', enterpriseAttributes),
    doc(userdeckSchema, 'UserdeckUser', userdeckAttributes(fields)),
  ];
}

/** Finds an attribute by case-insensitive name in a list. */
export const findAttr = (list: Attr[] | undefined, name: string): Attr | undefined =>
  list?.find((a) => a.name.toLowerCase() === name.toLowerCase());
