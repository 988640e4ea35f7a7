import type { Command } from '../command';
import { encodingNames, type EncodingName } from '../../common/files/types';
import { userListQuerySchema } from '../../common/users/query';
import type { User } from '../../common/users/user';
import { exportUsers } from '../../electron/services/export/users';
import type { OutputFormat } from '../../electron/services/export/writers/index';
import { usageError } from '../cli-error';
import { connect } from './support/connection';
import { guard, parse, writeJson } from './support/options';

/** `--filter "status=active&role=administrator&q=smith"`: the users list's query parameters. */
export function parseFilter(expr: string | undefined): Record<string, string | string[]> {
  if (!expr) return {};
  const params = new URLSearchParams(expr.includes('=') ? expr : `q=${expr}`);
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] = value;
  const parsed = userListQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(`--filter: ${issue.path.join('.') || 'filter'}: ${issue.message}`);
  }
  for (const key of ['page', 'pageSize', 'cursor', 'sort', 'order']) delete query[key];
  return query;
}

const command: Command = {
  summary: 'Exports the users of a filter (or the ids of a selection) to CSV, XLSX, Chamilo-compatible XML or JSON, streaming.',
  usage:
    'userdeck export --url URL --token T [--filter "status=active&role=…"] [--ids ID,ID…] --format csv|xlsx|xml|json --out FILE [--columns username,email,…] [--delimiter C] [--encoding ENC] [--json]',
  async run(args, io) {
    const { values } = parse(
      args,
      {
        url: { type: 'string' },
        token: { type: 'string' },
        filter: { type: 'string' },
        ids: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        columns: { type: 'string' },
        delimiter: { type: 'string' },
        encoding: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 0, names: '' },
    );
    const format = values.format as OutputFormat | undefined;
    if (!format || !['csv', 'xlsx', 'xml', 'json'].includes(format)) throw usageError('--format must be csv, xlsx, xml or json');
    if (!values.out) throw usageError('missing --out FILE');
    if (values.encoding !== undefined && !(encodingNames as readonly string[]).includes(values.encoding))
      throw usageError(`--encoding must be one of ${encodingNames.join(', ')}`);
    const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
    if (delimiter !== undefined && delimiter.length !== 1) throw usageError('--delimiter must be one character (or "tab")');
    const query = parseFilter(values.filter);
    const ids = values.ids
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const columns = values.columns
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const api = connect(values);
    try {
      const result = await guard(async () => {
        const capabilities = await api.admin.capabilities();
        const pages: AsyncIterable<User[]> = ids
          ? (async function* () {
              for (let i = 0; i < ids.length; i += 100) {
                const users: User[] = [];
                for (const id of ids.slice(i, i + 100)) users.push((await api.admin.getUser(id)).value);
                yield users;
              }
            })()
          : api.admin.iterateUsers({ ...query, pageSize: 500, sort: 'username' });
        return exportUsers(pages, values.out!, {
          format,
          columns,
          schema: capabilities.fieldSchema,
          delimiter,
          encoding: values.encoding as EncodingName | undefined,
        });
      });
      if (values.json) writeJson(io.stdout, { out: values.out, format, rows: result.rows, columns: result.columns });
      else io.stdout.write(`exported ${result.rows} users to ${values.out}\n`);
      return 0;
    } finally {
      api.dispose();
    }
  },
};

export default command;
