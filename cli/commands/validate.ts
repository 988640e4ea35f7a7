import type { Command } from '../command';
import type { FieldSchema } from '../../common/users/fields';
import { inspectFile } from '../../electron/services/import/inspect';
import { usageError } from '../cli-error';
import { connect } from './support/connection';
import { guard, loadSchemaFile, parse, readOptions, readSettings, writeJson } from './support/options';
import { presetOptions, presetSettings } from './support/presets';
import { printReport } from './support/report';

const command: Command = {
  summary:
    "Validates a user file with the shared rules and a directory's fields (from --url/--token, or a cached --schema), offline when neither is given. Exits 1 when it finds problems.",
  usage:
    'userdeck validate FILE [--url URL --token T | --schema CACHED.json] [--json] [--sheet NAME] [--map "Column=field"]… [--save-preset NAME] [--no-preset]',
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      { ...readOptions, ...presetOptions, url: { type: 'string' }, token: { type: 'string' }, schema: { type: 'string' } },
      { min: 1, max: 1, names: 'FILE' },
    );
    if (values.schema && values.url) throw usageError('give either --schema or --url/--token, not both');
    const settings = { ...readSettings(values), ...presetSettings(values) };
    const report = await guard(async () => {
      let schema: FieldSchema | null = null;
      if (values.schema) schema = loadSchemaFile(values.schema);
      else if (values.url || values.token) {
        const api = connect(values);
        try {
          schema = (await api.admin.capabilities()).fieldSchema;
        } finally {
          api.dispose();
        }
      }
      return inspectFile(positionals[0]!, { schema, ...settings });
    });
    const valid = report.problems.length === 0 && report.duplicates.length === 0;
    if (values.json) writeJson(io.stdout, { ...report, valid });
    else {
      printReport(io.stdout, report);
      io.stdout.write(valid ? 'valid\n' : 'not valid\n');
    }
    return valid ? 0 : 1;
  },
};

export default command;
