import { z } from 'zod';
import type { UserWrite } from '../../common/users/user';

const text = z.string().max(10_000);
const nullableText = text.nullable();
const customValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(1000)).max(1000), z.null()]);

/** The shape of a `UserWrite` body; the field rules themselves are common/users/validation's. */
export const userWriteSchema = z
  .object({
    username: text.optional(),
    email: nullableText.optional(),
    firstName: text.optional(),
    lastName: text.optional(),
    maternalSurname: nullableText.optional(),
    displayName: nullableText.optional(),
    officialCode: nullableText.optional(),
    phone: nullableText.optional(),
    language: nullableText.optional(),
    external: z.boolean().optional(),
    active: z.boolean().optional(),
    emailVerified: z.boolean().optional(),
    expiresAt: nullableText.optional(),
    password: z.string().max(1024).optional(),
    passwordHash: z.string().max(1024).optional(),
    roles: z.array(z.string().max(200)).max(100).optional(),
    groups: z.array(z.string().max(200)).max(1000).optional(),
    tags: z.array(z.string().max(100)).max(1000).optional(),
    license: nullableText.optional(),
    customFields: z.record(z.string().max(100), customValue).optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    lastLoginAt: z.iso.datetime({ offset: true }).nullable().optional(),
    loginCount: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .strict() satisfies z.ZodType<UserWrite>;
