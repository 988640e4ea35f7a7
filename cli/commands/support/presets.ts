import { MappingPresets } from '../../../electron/services/import/presets';
import { usageError } from '../../cli-error';
import { cliDataDir } from './data-dir';

/** Options of the commands that map a file (inspect, validate, plan, apply). */
export const presetOptions = {
  'save-preset': { type: 'string' },
  'no-preset': { type: 'boolean' },
} as const;

/**
 * The data folder's saved mappings: looked up for the file's header unless `--no-preset`, and the
 * final mapping saved under `--save-preset NAME`.
 */
export function presetSettings(values: { 'save-preset'?: string; 'no-preset'?: boolean }): {
  presets?: MappingPresets;
  savePreset?: { name: string; to: MappingPresets };
} {
  const presets = new MappingPresets(cliDataDir());
  const name = values['save-preset'];
  if (name !== undefined && (name.trim() === '' || name.length > 200))
    throw usageError('--save-preset takes a name (1 to 200 characters)');
  return {
    ...(values['no-preset'] ? {} : { presets }),
    ...(name !== undefined ? { savePreset: { name: name.trim(), to: presets } } : {}),
  };
}
