import type { Command } from '../command';
import { inspectFile } from '../../electron/services/import/inspect';
import { guard, parse, readOptions, readSettings, writeJson } from './support/options';
import { presetOptions, presetSettings } from './support/presets';
import { printReport } from './support/report';

const command: Command = {
  summary: 'Tells what a user file is: format, encoding, delimiter, header, columns and their mapping, rows, problems.',
  usage:
    'userdeck inspect FILE [--json] [--sheet NAME] [--encoding ENC] [--delimiter C] [--header-row N] [--map "Column=field"]… [--unknown-columns ignore|custom] [--save-preset NAME] [--no-preset]',
  async run(args, io) {
    const { values, positionals } = parse(args, { ...readOptions, ...presetOptions }, { min: 1, max: 1, names: 'FILE' });
    const report = await guard(() =>
      inspectFile(positionals[0]!, { schema: null, ...readSettings(values), ...presetSettings(values) }),
    );
    if (values.json) writeJson(io.stdout, report);
    else printReport(io.stdout, report);
    return 0;
  },
};

export default command;
