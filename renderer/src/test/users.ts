/** Test data for the users views' component tests: users, an active connection, a fake `window.userdeck`. */
import { vi } from 'vitest';
import type { ActiveConnection } from '../../../common/connections';
import type { DirectoryOptions } from '../../../common/users/directory';
import { defaultFieldSchema, type CustomFieldDefinition } from '../../../common/users/fields';
import type { User } from '../../../common/users/user';

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 'u1',
    username: 'jose.garcia',
    email: 'jose.garcia@example.org',
    firstName: 'José',
    lastName: 'García',
    maternalSurname: null,
    displayName: null,
    officialCode: null,
    phone: null,
    language: 'es',
    languageLocked: false,
    avatarUrl: null,
    external: false,
    source: 'manual',
    active: true,
    inactiveReason: null,
    statusNote: null,
    emailVerified: true,
    enrollment: 'accepted',
    invitationResends: 0,
    expiresAt: null,
    createdAt: '2024-03-05T10:00:00.000Z',
    updatedAt: '2024-03-05T10:00:00.000Z',
    lastLoginAt: '2025-01-15T08:30:00.000Z',
    loginCount: 1234,
    deletedAt: null,
    anonymizedAt: null,
    roles: ['user_group_admin'],
    groups: [{ id: 'g1', name: 'Team 01' }],
    tags: ['vip', 'beta'],
    badges: [],
    license: null,
    customFields: { level: 7, hired: '2020-02-29', remote: true },
    version: 3,
    ...overrides,
  };
}

export const customFields: CustomFieldDefinition[] = [
  {
    key: 'department',
    label: 'Department',
    type: 'select',
    required: false,
    pattern: null,
    options: ['Sales', 'Legal'],
    description: null,
  },
  { key: 'level', label: 'Level', type: 'number', required: false, pattern: null, options: [], description: null },
  { key: 'hired', label: 'Hired on', type: 'date', required: false, pattern: null, options: [], description: null },
  { key: 'remote', label: 'Remote', type: 'boolean', required: false, pattern: null, options: [], description: null },
  { key: 'employee_id', label: 'Employee ID', type: 'text', required: false, pattern: 'E\\d{4}', options: [], description: null },
];

export const options: DirectoryOptions = {
  roles: [
    { key: 'administrator', name: 'Administrator', builtin: true, permissions: ['users.read', 'users.update'] },
    { key: 'user_group_admin', name: 'User and Group Admin', builtin: true, permissions: ['users.read'] },
  ],
  segments: [{ id: 's1', name: 'Sales people' }],
  badges: [],
  languages: [
    { code: 'en', name: 'English' },
    { code: 'es', name: 'Español' },
  ],
  customFields,
  licenses: null,
  trashRetentionDays: 30,
};

/** The active Local directory, signed in with the given permissions (all of a user admin by default). */
export function activeConnection(
  permissions: string[] = ['users.read', 'users.update', 'users.create', 'jobs.run', 'users.delete'],
): ActiveConnection {
  return {
    id: 'local',
    name: 'Local directory',
    color: '#5E35B1',
    builtin: true,
    status: 'online',
    capabilities: {
      kind: 'userdeck',
      version: '0.1.0',
      features: ['users', 'groups', 'roles', 'tags', 'customFields', 'segments', 'jobs', 'trash'],
      scimPath: '/scim/v2',
      limits: null,
      bulk: null,
    },
    fieldSchema: { ...defaultFieldSchema, customFields },
    identity: { kind: 'token', name: 'bootstrap', username: null, roles: [], permissions },
    error: null,
    auth: { method: 'token' },
  };
}

type Handler = (input: unknown) => unknown;

/**
 * A fake `window.userdeck` (the preload's object, the boundary the renderer talks through): each
 * call answers from `handlers` as a Result; unknown calls fail loudly in the test.
 */
export function fakeUserdeck(handlers: Record<string, Handler> = {}) {
  const calls: { channel: string; input: unknown }[] = [];
  const api = new Proxy(
    {},
    {
      get(_target, domain: string) {
        if (domain === 'on') return () => () => undefined;
        return new Proxy(
          {},
          {
            get(_t, action: string) {
              return vi.fn(async (input: unknown) => {
                const channel = `${domain}/${action}`;
                calls.push({ channel, input });
                const handler = handlers[channel];
                if (!handler) return { ok: false, error: { code: 'internal', key: 'errors.internal', params: { channel } } };
                try {
                  return { ok: true, value: await handler(input) };
                } catch (error) {
                  return { ok: false, error };
                }
              });
            },
          },
        );
      },
    },
  );
  Object.defineProperty(window, 'userdeck', { value: api, configurable: true, writable: true });
  return { calls };
}
