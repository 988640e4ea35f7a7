import { describe, expect, it } from 'vitest';
import { defaultFieldSchema, fieldSchemaSchema } from './fields';
import { defaultPolicies } from './policies';

describe('field schema documents', () => {
  it('fill in the policies an older backend or cache does not name with their defaults', () => {
    const { lockoutFailures: _f, lockoutMinutes: _m, ...older } = { ...defaultPolicies, passwordMinLength: 12 };
    const parsed = fieldSchemaSchema.parse({ ...defaultFieldSchema, policies: older });
    expect(parsed.policies).toEqual({ ...defaultPolicies, passwordMinLength: 12 });
  });

  it('still refuse a policy of the wrong type', () => {
    const result = fieldSchemaSchema.safeParse({ ...defaultFieldSchema, policies: { lockoutFailures: 'five' } });
    expect(result.success).toBe(false);
  });
});
