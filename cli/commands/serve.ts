import { parseArgs } from 'node:util';
import { startServer } from '../../server/index';
import { CliError, usageError } from '../cli-error';
import type { Command } from '../command';
import { readFirstLine } from './support/first-line';

function options(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        database: { type: 'string' },
        'scim-only': { type: 'boolean' },
        'bootstrap-token-stdin': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!);
  }
}

/**
 * `userdeck serve` (= `npm run serve`): runs the directory server until SIGINT or SIGTERM. The
 * bootstrap token comes from USERDECK_BOOTSTRAP_TOKEN (DESIGN.md §4), or with
 * `--bootstrap-token-stdin` from the first line of stdin instead, for a parent that keeps its token
 * out of the child's environment (the app's Local directory).
 */
const serve: Command = {
  summary: 'Run the Userdeck directory server (SCIM 2.0 and the admin API)',
  usage:
    'userdeck serve --data DIR --port PORT [--host 127.0.0.1] [--database postgres://…] [--scim-only] [--bootstrap-token-stdin]',
  async run(args, io) {
    const values = options(args);
    if (!values.data) throw usageError('missing --data DIR');
    const port = Number(values.port ?? '0');
    if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535)
      throw usageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
    if (values.database !== undefined && !/^postgres(ql)?:\/\//.test(values.database))
      throw usageError('--database must be a postgres:// URL');
    const bootstrapToken = values['bootstrap-token-stdin']
      ? await readFirstLine(io.stdin ?? process.stdin, 'bootstrap token')
      : process.env.USERDECK_BOOTSTRAP_TOKEN || undefined;
    let server;
    try {
      server = await startServer({
        dataDir: values.data,
        port,
        host: values.host ?? '127.0.0.1',
        databaseUrl: values.database,
        bootstrapToken,
        adminApi: !values['scim-only'],
        logger: { error: (message) => io.stderr.write(`${message}\n`) },
      });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use`, 1);
      if (e.code === 'EACCES') throw new CliError(`not allowed to listen on port ${port}`, 1);
      if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT')
        throw new CliError(`cannot reach the database: ${e.message}`, 3);
      throw new CliError(e.message.split('\n')[0]!, 1);
    }
    io.stdout.write(`Userdeck directory listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};

export default serve;
