import type { Command } from '../command';

/** Every command, loaded on demand so one command's dependencies never slow another's start. */
export const commands: Record<string, () => Promise<{ default: Command }>> = {
  inspect: () => import('./inspect'),
  convert: () => import('./convert'),
  validate: () => import('./validate'),
  plan: () => import('./plan'),
  apply: () => import('./apply'),
  export: () => import('./export'),
  template: () => import('./template'),
  presets: () => import('./presets'),
  serve: () => import('./serve'),
  seed: () => import('./seed'),
};
