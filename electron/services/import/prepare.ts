/** Opens a file for import: reads its table, recognises its format and maps its columns. */
import type { FileFormat, FileNotice, Mapping, MappingTarget } from '../../../common/files/types';
import type { FieldSchema } from '../../../common/users/fields';
import { unescapeFormula } from '../export/escape';
import { FileError } from '../files/errors';
import { openTable } from '../files/open';
import type { OpenOptions, TableSource } from '../files/table';
import { recognizeFormat } from './formats';
import { autoMap, isValidTarget, overrideMapping } from './mapping';
import type { MappingPresets } from './presets';
import { isKnownHeader } from './synonyms';

export interface PrepareOptions extends OpenOptions {
  schema: FieldSchema | null;
  unknownColumns?: 'ignore' | 'custom';
  /** `Column → target` chosen by the admin. */
  overrides?: Record<string, MappingTarget>;
  presets?: MappingPresets;
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
  let mapping = auto.mapping;
  const preset = options.presets?.find(table.columns);
  if (preset) mapping = preset;
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
  return { table, format, mapping, notices: [...table.notices, ...auto.notices] };
}
