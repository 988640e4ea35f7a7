import type { Actor } from '../activity/log';
import type { Permission } from '../roles/permissions';

/** The authenticated caller of a request: a signed-in user or an API token. */
export interface Principal {
  kind: 'user' | 'token';
  /** The user id, or the API token id. */
  id: string;
  name: string;
  userId: string | null;
  sessionId: string | null;
  permissions: ReadonlySet<Permission>;
  actor: Actor;
}
