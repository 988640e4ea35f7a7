/** How a user's state is named and coloured everywhere (list, profile, trash). */
import type { User } from '../../../../common/users/user';

export type UserState = 'active' | 'inactive' | 'banned' | 'expired' | 'trash' | 'anonymized';

export function stateOf(
  user: Pick<User, 'active' | 'inactiveReason' | 'deletedAt' | 'anonymizedAt' | 'expiresAt'>,
  now = Date.now(),
): UserState {
  if (user.anonymizedAt) return 'anonymized';
  if (user.deletedAt) return 'trash';
  if (user.active) return user.expiresAt && Date.parse(user.expiresAt) <= now ? 'expired' : 'active';
  if (user.inactiveReason === 'banned') return 'banned';
  if (user.inactiveReason === 'expired') return 'expired';
  return 'inactive';
}

export const stateColor: Record<UserState, string> = {
  active: 'success',
  inactive: 'grey',
  banned: 'error',
  expired: 'warning',
  trash: 'grey-darken-1',
  anonymized: 'grey-darken-2',
};

/** The status actions that make sense from a state (the server still has the last word). */
export function statusActionsFor(state: UserState): ('activate' | 'deactivate' | 'ban')[] {
  switch (state) {
    case 'active':
      return ['deactivate', 'ban'];
    case 'inactive':
    case 'expired':
      return ['activate', 'ban'];
    case 'banned':
      return ['activate'];
    default:
      return [];
  }
}

export function displayName(user: Pick<User, 'displayName' | 'firstName' | 'lastName' | 'maternalSurname' | 'username'>): string {
  return (
    user.displayName?.trim() || [user.firstName, user.lastName, user.maternalSurname].filter(Boolean).join(' ') || user.username
  );
}

export function initialsOf(user: Pick<User, 'firstName' | 'lastName' | 'username'>): string {
  const letters = [user.firstName, user.lastName].map((s) => [...(s ?? '').trim()][0] ?? '').join('');
  return (letters || [...user.username][0] || '?').toUpperCase();
}

/** Days until the server purges a user from the trash (0 on the last day). */
export function daysLeft(purgeAt: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(purgeAt) - now) / 86_400_000));
}
