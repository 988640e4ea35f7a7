import { z } from 'zod';

/** The lifecycle policies of DESIGN.md §5, each configurable; the defaults are the product's. */
export const policiesSchema = z.object({
  passwordMinLength: z.number().int().min(4).max(256),
  passwordRequireMixedCase: z.boolean(),
  passwordRequireDigit: z.boolean(),
  passwordRequireSymbol: z.boolean(),
  /** Names need at least 3 characters and no digits. */
  strictNames: z.boolean(),
  /** Usernames must look like `first.last`, without accents. */
  usernameFirstDotLast: z.boolean(),
  /** Several users may share one email address. */
  allowSharedEmail: z.boolean(),
  /** Delete is refused for users with activity (deactivate or anonymize them instead). */
  deleteOnlyWithoutActivity: z.boolean(),
  trashRetentionDays: z.number().int().min(0).max(3650),
  invitationValidHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90),
  /** Deactivate after this many days without sign-in; null = never. */
  inactivityDays: z.number().int().min(1).nullable(),
  /** Number of licences; null = unlimited. */
  licensePool: z.number().int().min(0).nullable(),
  allowSelfDelete: z.boolean(),
  /** Administrators get the welcome mail when created, or when they become administrators if never sent. */
  welcomeAdministrators: z.boolean(),
  /** Other users with a password get the welcome mail before their first sign-in (passwordless ones do not). */
  welcomeBeforeFirstSignIn: z.boolean(),
  /** This many wrong passwords in a row lock the account (sign-in with a password, API and portal). */
  lockoutFailures: z.number().int().min(1).max(100),
  /** For this long. */
  lockoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
});
export type Policies = z.infer<typeof policiesSchema>;

export const defaultPolicies: Policies = {
  passwordMinLength: 8,
  passwordRequireMixedCase: false,
  passwordRequireDigit: false,
  passwordRequireSymbol: false,
  strictNames: false,
  usernameFirstDotLast: false,
  allowSharedEmail: false,
  deleteOnlyWithoutActivity: true,
  trashRetentionDays: 30,
  invitationValidHours: 24,
  inactivityDays: null,
  licensePool: null,
  allowSelfDelete: false,
  welcomeAdministrators: true,
  welcomeBeforeFirstSignIn: true,
  lockoutFailures: 5,
  lockoutMinutes: 15,
};
