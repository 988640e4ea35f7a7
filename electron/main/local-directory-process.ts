/**
 * Entry of the Local directory's utilityProcess (bundled as out/main/local-directory.js): the same
 * `userdeck serve` as the command line. A 'stop' message from main closes it cleanly.
 */
import { runCli } from '../../cli/main';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
parentPort?.on('message', ({ data }) => {
  // `serve` stops on SIGTERM; emitting it runs that path without a real signal.
  if (data === 'stop') process.emit('SIGTERM', 'SIGTERM');
});

void runCli(['serve', ...process.argv.slice(2)], { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exit(code);
});
