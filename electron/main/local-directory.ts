/**
 * The Local directory's launcher in the desktop app: the server runs in an Electron utilityProcess
 * (a Node child that Electron supervises), from the bundled `local-directory.js` entry.
 */
import { createInterface } from 'node:readline';
import type { UtilityProcess } from 'electron';
import { childEnv, serveArgs, waitForReady, type LocalLauncher } from '../services/local/launcher';
import type { BootstrapMessage } from './local-directory-process';

export interface UtilityProcessApi {
  fork(
    modulePath: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; stdio: 'pipe'; serviceName: string },
  ): UtilityProcess;
}

export function utilityProcessLauncher(
  utilityProcess: UtilityProcessApi,
  entryPath: string,
  { startTimeoutMs = 60_000, stopTimeoutMs = 5000 } = {},
): LocalLauncher {
  return {
    async start({ dataDir, token, onOutput }) {
      // The token goes by message, neither on the command line (`ps`) nor in the environment
      // (/proc/<pid>/environ); the entry waits for it before it starts `serve`.
      const child = utilityProcess.fork(entryPath, serveArgs(dataDir).slice(1), {
        env: childEnv(),
        stdio: 'pipe',
        serviceName: 'Userdeck Local directory',
      });
      child.postMessage({ bootstrapToken: token } satisfies BootstrapMessage);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      if (child.stderr) createInterface({ input: child.stderr }).on('line', onOutput);
      let url: string;
      try {
        url = await waitForReady(createInterface({ input: child.stdout! }), exited, onOutput, startTimeoutMs);
      } catch (error) {
        child.kill();
        throw error;
      }
      let stopping = false;
      const listeners: ((code: number | null) => void)[] = [];
      void exited.then((code) => {
        if (!stopping) for (const listener of listeners) listener(code);
      });
      return {
        url,
        pid: child.pid,
        onExit: (listener) => listeners.push(listener),
        async stop() {
          if (stopping) return exited.then(() => undefined);
          stopping = true;
          if (child.pid === undefined) return;
          // A message first, so the server closes its database cleanly (also on Windows, where
          // kill() cannot be caught); kill() if it does not go.
          child.postMessage('stop');
          const lingering = setTimeout(() => child.kill(), stopTimeoutMs);
          await exited;
          clearTimeout(lingering);
        },
      };
    },
  };
}
