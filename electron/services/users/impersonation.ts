/**
 * Where an impersonation opens (DESIGN.md §3): Electron gives it a window of its own with a fresh,
 * in-memory session partition, so the portal's cookies never mix with anything else; the browser
 * bridge hands the page a one-time path of its own that redirects to the portal, so the page never
 * holds the impersonation link itself.
 */
import type { ImpersonationOpened } from '../../../common/users/directory';

export interface ImpersonationPort {
  open(url: string): Promise<ImpersonationOpened> | ImpersonationOpened;
}
