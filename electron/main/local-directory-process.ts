/**
 * Entry of the Local directory's utilityProcess (bundled as out/main/local-directory.js): the same
 * `userdeck serve` as the command line. Main sends the bootstrap token as the first message (kept
 * out of the environment and the command line), then 'stop' to close it cleanly.
 */
import { Readable } from 'node:stream';
import { runCli } from '../../cli/main';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The message that carries the token from main. */
export interface BootstrapMessage {
  bootstrapToken: string;
}

const isBootstrapMessage = (data: unknown): data is BootstrapMessage =>
  typeof data === 'object' && data !== null && typeof (data as BootstrapMessage).bootstrapToken === 'string';

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('local-directory: must run as the app’s utilityProcess (it takes its token from main)\n');
  process.exit(2);
}

const token = new Promise<string>((resolve) => {
  parentPort.on('message', ({ data }) => {
    if (isBootstrapMessage(data)) resolve(data.bootstrapToken);
    // `serve` stops on SIGTERM; emitting it runs that path without a real signal.
    else if (data === 'stop') process.emit('SIGTERM', 'SIGTERM');
  });
});

void token
  .then((value) =>
    runCli(['serve', ...process.argv.slice(2), '--bootstrap-token-stdin'], {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: Readable.from([`${value}\n`]),
    }),
  )
  .then((code) => process.exit(code));
