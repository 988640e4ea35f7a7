/**
 * What any process of the same user can read about a running process: its command line and its
 * environment (Linux /proc). Tests check a secret handed to a child is in neither.
 */
import { existsSync, readFileSync } from 'node:fs';

/** The process's command line and environment as text, or null where there is no /proc. */
export function readableByItsUser(pid: number): string | null {
  if (!existsSync(`/proc/${pid}/environ`)) return null;
  return [readFileSync(`/proc/${pid}/cmdline`, 'utf8'), readFileSync(`/proc/${pid}/environ`, 'utf8')].join('\0');
}
