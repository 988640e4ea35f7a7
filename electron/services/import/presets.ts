/**
 * Saved mappings: when a file with the same header comes back, its mapping is applied again.
 * Keyed by the exact column list; stored as JSON in the data folder. A name names one preset:
 * saving under a name already used replaces that preset.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { Mapping } from '../../../common/files/types';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

export const mappingSchema = z.object({
  source: z.enum(['format', 'preset', 'synonyms', 'manual']),
  columns: z.array(
    z.object({
      column: z.string(),
      target: z.string().nullable(),
      transform: z.enum(['text', 'chamiloStatus', 'blockSignIn', 'suspended', 'googlePassword', 'list', 'auth0Hash']).optional(),
    }),
  ),
});

const presetSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  mapping: mappingSchema,
  savedAt: z.string(),
});
const fileSchema = z.record(z.string(), presetSchema);
export type MappingPreset = z.infer<typeof presetSchema>;

export const headerSignature = (columns: string[]): string =>
  createHash('sha256').update(JSON.stringify(columns)).digest('hex').slice(0, 32);

export class MappingPresets {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'mapping-presets.json');
  }

  private all(): Record<string, MappingPreset> {
    return readJsonFile(this.path, fileSchema, {});
  }

  list(): MappingPreset[] {
    return Object.values(this.all()).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The preset saved for exactly this header, if any. */
  presetFor(columns: string[]): MappingPreset | null {
    const preset = this.all()[headerSignature(columns)];
    return preset && preset.mapping.columns.length === columns.length ? preset : null;
  }

  find(columns: string[]): Mapping | null {
    const preset = this.presetFor(columns);
    return preset ? { ...preset.mapping, source: 'preset' } : null;
  }

  save(name: string, columns: string[], mapping: Mapping): MappingPreset {
    const all = this.all();
    for (const [key, preset] of Object.entries(all)) if (preset.name === name) delete all[key];
    const preset: MappingPreset = {
      name,
      columns,
      mapping: { source: mapping.source, columns: mapping.columns.map((c) => ({ ...c })) },
      savedAt: new Date().toISOString(),
    };
    all[headerSignature(columns)] = preset;
    writeJsonFile(this.path, all);
    return preset;
  }

  remove(columns: string[]): boolean {
    const all = this.all();
    const key = headerSignature(columns);
    if (!all[key]) return false;
    delete all[key];
    writeJsonFile(this.path, all);
    return true;
  }

  /** Removes the preset of that name; false when there is none. */
  removeByName(name: string): boolean {
    const all = this.all();
    const key = Object.keys(all).find((k) => all[k]!.name === name);
    if (key === undefined) return false;
    delete all[key];
    writeJsonFile(this.path, all);
    return true;
  }
}
