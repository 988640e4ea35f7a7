import type { Command } from '../command';
import type { FieldSchema } from '../../common/users/fields';
import { writeTemplate, type TemplateLanguage } from '../../electron/services/export/template';
import { usageError } from '../cli-error';
import { connect } from './support/connection';
import { guard, loadSchemaFile, parse, writeJson } from './support/options';

const command: Command = {
  summary:
    "Writes an import template (CSV header, or XLSX with dropdowns, notes and instructions) matching a directory's fields.",
  usage: 'userdeck template --format csv|xlsx --out FILE [--url URL --token T | --schema CACHED.json] [--lang en|es|fr] [--json]',
  async run(args, io) {
    const { values } = parse(
      args,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        schema: { type: 'string' },
        lang: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 0, names: '' },
    );
    if (values.format !== 'csv' && values.format !== 'xlsx') throw usageError('--format must be csv or xlsx');
    if (!values.out) throw usageError('missing --out FILE');
    const lang = (values.lang ?? 'en') as TemplateLanguage;
    if (!['en', 'es', 'fr'].includes(lang)) throw usageError('--lang must be en, es or fr');
    const columns = await guard(async () => {
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
      return writeTemplate(values.out!, values.format as 'csv' | 'xlsx', schema, lang);
    });
    if (values.json) writeJson(io.stdout, { out: values.out, format: values.format, columns });
    else io.stdout.write(`wrote ${values.out} (${columns.length} columns)\n`);
    return 0;
  },
};

export default command;
