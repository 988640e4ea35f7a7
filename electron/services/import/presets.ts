/**
 * Saved mappings: when a file with the same header comes back, its mapping is applied again.
 * Keyed by the exact column list; stored as JSON in the data folder.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import type { Mapping } from '../../../common/files/types';
import { readJsonFile, writeJsonFile } from '../storage/json-file';

const presetSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  mapping: z.object({
    source: z.enum(['format', 'preset', 'synonyms', 'manual']),
    columns: z.array(z.object({ column: z.string(), target: z.string().nullable(), transform: z.string().optional() })),
  }),
  savedAt: z.string(),
});
const fileSchema = z.record(z.string(), presetSchema);
export type MappingPreset = z.infer<typeof presetSchema>;

export const headerSignature = (columns: string[]): string =>
  createHash('sha256').update(JSON.stringify(columns)).digest('hex').slice(0, 32);

export class MappingPresets {
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'mapping-presets.json');
  }

  private all(): Record<string, MappingPreset> {
    return readJsonFile(this.path, fileSchema, {});
  }

  list(): MappingPreset[] {
    return Object.values(this.all());
  }

  find(columns: string[]): Mapping | null {
    const preset = this.all()[headerSignature(columns)];
    return preset ? ({ ...preset.mapping, source: 'preset' } as Mapping) : null;
  }

  save(name: string, columns: string[], mapping: Mapping): void {
    const all = this.all();
    all[headerSignature(columns)] = { name, columns, mapping, savedAt: new Date().toISOString() };
    writeJsonFile(this.path, all);
  }

  remove(columns: string[]): void {
    const all = this.all();
    delete all[headerSignature(columns)];
    writeJsonFile(this.path, all);
  }
}
