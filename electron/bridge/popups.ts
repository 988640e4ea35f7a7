/**
 * Impersonation in the browser bridge: the portal link (which carries a single-use token) stays in
 * the bridge process. The page gets a one-time path on the bridge's own origin, opens it in a
 * popup, and the bridge answers that one request with a redirect to the portal. A path works once
 * and for two minutes.
 */
import { randomBytes } from 'node:crypto';
import type { ImpersonationOpened } from '../../common/users/directory';
import type { ImpersonationPort } from '../services/users/impersonation';

export const POPUP_PREFIX = '/__userdeck/open/';
const TTL_MS = 2 * 60_000;

export class BridgePopups implements ImpersonationPort {
  private readonly targets = new Map<string, { url: string; expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  open(url: string): ImpersonationOpened {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('impersonation: not a web address');
    const id = randomBytes(32).toString('base64url');
    this.targets.set(id, { url, expires: this.now() + TTL_MS });
    return { mode: 'popup', path: `${POPUP_PREFIX}${id}` };
  }

  /** The portal address of a path, once; null when unknown, used or expired. */
  take(path: string): string | null {
    if (!path.startsWith(POPUP_PREFIX)) return null;
    const id = path.slice(POPUP_PREFIX.length);
    const target = this.targets.get(id);
    this.targets.delete(id);
    for (const [key, value] of this.targets) if (value.expires < this.now()) this.targets.delete(key);
    return target && target.expires >= this.now() ? target.url : null;
  }
}
