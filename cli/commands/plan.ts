import type { Command } from '../command';
import { prepareFile } from '../../electron/services/import/prepare';
import { planImport } from '../../electron/services/import/plan';
import { connect } from './support/connection';
import { importOptions, planSettings } from './support/import-options';
import { guard, parse, readSettings, writeJson } from './support/options';
import { presetSettings } from './support/presets';

const command: Command = {
  summary:
    'Dry run: classifies every row of a user file as create, update (with the changes), skip, conflict or error against a directory.',
  usage:
    'userdeck plan FILE --url URL --token T [--policy update|skip|update-only] [--passwords keep|set] [--blank-clears] [--json] [--map "Column=field"]… [--save-preset NAME] [--no-preset]',
  async run(args, io) {
    const { values, positionals } = parse(args, importOptions, { min: 1, max: 1, names: 'FILE' });
    const settings = { ...readSettings(values), ...presetSettings(values) };
    const options = planSettings(values);
    const api = connect(values);
    try {
      const summary = await guard(async () => {
        const capabilities = await api.admin.capabilities();
        const prepared = await prepareFile(positionals[0]!, { schema: capabilities.fieldSchema, ...settings });
        return { ...(await planImport(prepared, api.admin, capabilities, options)), notices: prepared.notices };
      });
      const { notices, ...plan } = summary;
      if (values.json) writeJson(io.stdout, plan);
      else {
        io.stdout.write(
          `create ${summary.create}, update ${summary.update}, skip ${summary.skip}, conflict ${summary.conflict}, error ${summary.error}\n`,
        );
        for (const row of summary.rows) {
          if (row.action === 'create') continue;
          const detail =
            row.action === 'update'
              ? row.changes!.map((c) => `${c.field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join('; ')
              : (row.reason ?? '');
          io.stdout.write(`  row ${row.row}: ${row.action}${detail ? ` (${detail})` : ''}\n`);
        }
        for (const n of notices) if (n.code === 'preset' || n.code === 'presetSaved') io.stdout.write(`note: ${n.message}\n`);
      }
      return 0;
    } finally {
      api.dispose();
    }
  },
};

export default command;
