import type { Command } from '../command';
import { encodingNames, type EncodingName } from '../../common/files/types';
import { convertFile } from '../../electron/services/export/convert';
import { usageError } from '../cli-error';
import { guard, parse, readOptions, readSettings, writeJson } from './support/options';

const command: Command = {
  summary: 'Converts a user file to CSV, XLSX, XML or JSON (by the extension of OUT), values exactly as decoded.',
  usage:
    'userdeck convert FILE OUT [--json] [--sheet NAME] [--encoding ENC] [--delimiter C] [--header-row N] [--out-delimiter C] [--out-encoding ENC] [--no-escape]',
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        ...readOptions,
        'out-delimiter': { type: 'string' },
        'out-encoding': { type: 'string' },
        'no-escape': { type: 'boolean' },
      },
      { min: 2, max: 2, names: 'FILE and OUT' },
    );
    const read = readSettings(values);
    const outEncoding = values['out-encoding'];
    if (outEncoding !== undefined && !(encodingNames as readonly string[]).includes(outEncoding))
      throw usageError(`--out-encoding must be one of ${encodingNames.join(', ')}`);
    const outDelimiter = values['out-delimiter'] === 'tab' ? '\t' : values['out-delimiter'];
    if (outDelimiter !== undefined && outDelimiter.length !== 1)
      throw usageError('--out-delimiter must be one character (or "tab")');
    const [input, output] = positionals as [string, string];
    const result = await guard(() =>
      convertFile(input, output, {
        read,
        write: {
          delimiter: outDelimiter,
          encoding: outEncoding as EncodingName | undefined,
          escapeFormulas: !values['no-escape'],
        },
      }),
    );
    if (values.json) writeJson(io.stdout, { out: output, rows: result.rows, columns: result.columns });
    else io.stdout.write(`wrote ${result.rows} rows to ${output}\n`);
    return 0;
  },
};

export default command;
