import type { Command } from '../command';
import { MappingPresets } from '../../electron/services/import/presets';
import { usageError } from '../cli-error';
import { cliDataDir } from './support/data-dir';
import { parse, writeJson } from './support/options';

const command: Command = {
  summary:
    'Lists or deletes the saved mapping presets of the data folder (USERDECK_DATA_DIR); save one with --save-preset NAME on inspect, validate, plan or apply.',
  usage: 'userdeck presets [list] [--json] | userdeck presets delete NAME',
  async run(args, io) {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } }, { min: 0, max: 2, names: '' });
    const [action = 'list', name] = positionals;
    const presets = new MappingPresets(cliDataDir());
    if (action === 'list') {
      if (name !== undefined) throw usageError(`unexpected argument "${name}"`);
      const list = presets.list();
      if (values.json) writeJson(io.stdout, list);
      else if (!list.length) io.stdout.write('no saved presets\n');
      else
        for (const preset of list) {
          io.stdout.write(`${preset.name} (saved ${preset.savedAt})\n`);
          for (const c of preset.mapping.columns) io.stdout.write(`  ${JSON.stringify(c.column)} → ${c.target ?? '(ignored)'}\n`);
        }
      return 0;
    }
    if (action === 'delete') {
      if (name === undefined) throw usageError('missing NAME');
      if (!presets.removeByName(name)) throw usageError(`no preset named "${name}"`);
      if (values.json) writeJson(io.stdout, { deleted: name });
      else io.stdout.write(`deleted the preset "${name}"\n`);
      return 0;
    }
    throw usageError(`unknown action "${action}" (list or delete)`);
  },
};

export default command;
