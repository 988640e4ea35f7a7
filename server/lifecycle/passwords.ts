import { passwordProblems } from '../../common/users/validation';
import { hashPassword } from '../auth/passwords';
import { badRequest, notFound } from '../errors';
import { describeErrors } from '../http/zod-errors';
import { endSessions } from '../sessions/service';
import { logUsers, touchUsers, type OpEnv } from './ops';
import { generatePassword } from './welcome';

/** Refuses a password the policy does not accept, naming the field. */
export function checkPassword(env: OpEnv, password: string, field = 'password'): void {
  const problems = passwordProblems(password, env.policies, field);
  if (problems.length) throw badRequest(`invalid password: ${describeErrors(problems)}`, problems);
}

async function usable(env: OpEnv, userId: string) {
  const user = await env.db
    .selectFrom('users')
    .select(['id', 'deleted_at', 'anonymized_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.deleted_at || user.anonymized_at) throw notFound('user');
}

/**
 * Sets a new password: the policy applies, every session of the user ends (except the one the
 * change was made from, when given), and a pending forced change is done.
 */
export async function changePassword(
  env: OpEnv,
  userId: string,
  password: string,
  options: { keepSession?: string | null; via: 'portal' | 'reset' | 'invitation' | 'admin' },
): Promise<void> {
  await usable(env, userId);
  checkPassword(env, password);
  await touchUsers(env, [userId], {
    password_hash: await hashPassword(password),
    must_change_password: 0,
    failed_logins: 0,
    locked_until: null,
  });
  await endSessions(env.db, env.clock, [userId], { except: options.keepSession ?? null });
  await logUsers(env, 'user.passwordChanged', [userId], { via: options.via });
}

/**
 * An administrator's reset with a temporary password: shown once to the administrator, never
 * stored in clear, and the user must choose their own at the next sign-in.
 */
export async function setTemporaryPassword(env: OpEnv, userId: string): Promise<string> {
  await usable(env, userId);
  const password = generatePassword(env.policies);
  await touchUsers(env, [userId], {
    password_hash: await hashPassword(password),
    must_change_password: 1,
    failed_logins: 0,
    locked_until: null,
  });
  await endSessions(env.db, env.clock, [userId]);
  await logUsers(env, 'user.passwordReset', [userId], { method: 'temporary' });
  return password;
}
