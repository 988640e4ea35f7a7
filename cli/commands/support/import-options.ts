import type { ImportPolicy, PlanOptions } from '../../../electron/services/import/plan';
import { usageError } from '../../cli-error';
import { readOptions } from './options';
import { presetOptions } from './presets';

/** Options of plan and apply. */
export const importOptions = {
  ...readOptions,
  ...presetOptions,
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

export { cliDataDir } from './data-dir';
