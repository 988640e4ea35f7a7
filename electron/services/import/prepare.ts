/** Opens a file for import: reads its table, recognises its format and maps its columns. */
import type { FileFormat, FileNotice, Mapping, MappingTarget } from '../../../common/files/types';
import type { FieldSchema } from '../../../common/users/fields';
import { unescapeFormula } from '../export/escape';
import { FileError } from '../files/errors';
import { openTable } from '../files/open';
import type { OpenOptions, TableSource } from '../files/table';
import { recognizeFormat } from './formats';
import { autoMap, isValidTarget, overrideMapping, reportColumns } from './mapping';
import type { MappingPreset, MappingPresets } from './presets';
import { isKnownHeader } from './synonyms';

export interface PrepareOptions extends OpenOptions {
  schema: FieldSchema | null;
  unknownColumns?: 'ignore' | 'custom';
  /** `Column → target` chosen by the admin. */
  overrides?: Record<string, MappingTarget>;
  /** Saved mappings: the one for exactly this header replaces the automatic mapping. */
  presets?: MappingPresets;
  /** Save the final mapping (automatic or preset, then overrides) under this name. */
  savePreset?: { name: string; to: MappingPresets };
}

export interface PreparedFile {
  table: TableSource;
  format: FileFormat;
  mapping: Mapping;
  notices: FileNotice[];
}

export async function prepareFile(path: string, options: PrepareOptions): Promise<PreparedFile> {
  const table = await openTable(path, { ...options, isKnownHeader: options.isKnownHeader ?? isKnownHeader });
  const format = recognizeFormat(table);
  const auto = autoMap(format, table.columns, { schema: options.schema, unknownColumns: options.unknownColumns });
  const notices = [...table.notices, ...auto.notices];
  let mapping = auto.mapping;
  const preset = options.presets ? presetFor(options.presets, table.columns) : null;
  if (preset) {
    mapping = preset.mapping;
    notices.push({ code: 'preset', message: `mapping from the saved preset "${preset.name}"` });
  }
  if (options.overrides && Object.keys(options.overrides).length) {
    for (const [column, target] of Object.entries(options.overrides)) {
      if (target !== null && !isValidTarget(target))
        throw new FileError('badMapping', `"${target}" is not a user field (column "${column}")`);
    }
    try {
      mapping = overrideMapping(mapping, options.overrides);
    } catch (error) {
      throw new FileError('badMapping', (error as Error).message);
    }
  }
  const targets = new Set(mapping.columns.map((c) => c.target));
  if (!targets.has('username') && !targets.has('email')) {
    const shown = table.columns
      .slice(0, 8)
      .map((c) => `"${c}"`)
      .join(', ');
    throw new FileError(
      'noUserColumns',
      `no column of the header is a username or email (columns: ${shown}${table.columns.length > 8 ? ', …' : ''}); map one with --map "Column=email"`,
    );
  }
  if (options.savePreset) {
    options.savePreset.to.save(options.savePreset.name, table.columns, mapping);
    notices.push({ code: 'presetSaved', message: `mapping saved as the preset "${options.savePreset.name}"` });
  }
  // Our own exports and reports escape formula-looking cells: read them back as they were.
  if (
    (table.kind === 'csv' || table.kind === 'xlsx') &&
    (format === 'userdeck-template' || table.columns.includes('userdeck_status'))
  ) {
    const batches = table.batches;
    table.batches = async function* (signal) {
      for await (const batch of batches(signal)) {
        for (const record of batch) record.cells = record.cells.map(unescapeFormula);
        yield batch;
      }
    };
  }
  return { table, format, mapping, notices };
}

/**
 * The preset for exactly this header; for a results report (the original columns plus ours), the
 * original file's preset with our status columns ignored, so failed rows re-run with the same mapping.
 */
function presetFor(presets: MappingPresets, columns: string[]): { name: string; mapping: Mapping } | null {
  const exact: MappingPreset | null = presets.presetFor(columns);
  if (exact) return { name: exact.name, mapping: { ...exact.mapping, source: 'preset' } };
  const original = columns.filter((c) => !reportColumns.includes(c));
  if (original.length === columns.length) return null;
  const preset = presets.presetFor(original);
  if (!preset) return null;
  let next = 0;
  return {
    name: preset.name,
    mapping: {
      source: 'preset',
      columns: columns.map((column) =>
        reportColumns.includes(column) ? { column, target: null } : preset.mapping.columns[next++]!,
      ),
    },
  };
}
