import { defaultDataDir } from '../../../electron/services/app/data-dir';
import type { ImportPolicy, PlanOptions } from '../../../electron/services/import/plan';
import { usageError } from '../../cli-error';
import { readOptions } from './options';

/** Options of plan and apply. */
export const importOptions = {
  ...readOptions,
  url: { type: 'string' },
  token: { type: 'string' },
  policy: { type: 'string' },
  passwords: { type: 'string' },
  'blank-clears': { type: 'boolean' },
} as const;

export function planSettings(values: { policy?: string; passwords?: string; 'blank-clears'?: boolean }): PlanOptions {
  const policy = values.policy ?? 'update';
  if (!['update', 'skip', 'update-only'].includes(policy))
    throw usageError('--policy must be update (add and update), skip (add new only) or update-only');
  const passwords = values.passwords ?? 'keep';
  if (passwords !== 'keep' && passwords !== 'set') throw usageError('--passwords must be keep or set');
  return { policy: policy as ImportPolicy, passwords, blankClears: values['blank-clears'] ?? false };
}

/** Where jobs' journals and mapping presets live: `USERDECK_DATA_DIR`, else the app's data folder. */
export const cliDataDir = (): string => process.env.USERDECK_DATA_DIR || defaultDataDir();
