/**
 * Starts the directory server of the Local directory as a separate process: a Node child process in
 * the browser bridge and the CLI (here), an Electron utilityProcess in the app (electron/main
 * injects its own launcher with the same interface). The process prints the ready line of
 * DESIGN.md §4, from which the real port is read.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../../common/errors';

export const READY_LINE = /Userdeck directory listening on (http:\/\/\S+)/;

export interface LocalServerProcess {
  url: string;
  pid: number | undefined;
  /** Asks it to stop, waits for its exit (kills it if it lingers). */
  stop(): Promise<void>;
  /** Called once if the process ends by itself. */
  onExit(listener: (code: number | null) => void): void;
}

export interface LaunchOptions {
  /** The server's data folder. */
  dataDir: string;
  /** Becomes an Administrator API token of the server (USERDECK_BOOTSTRAP_TOKEN). */
  token: string;
  /** Each line the server prints (for the log). */
  onOutput(line: string): void;
}

export interface LocalLauncher {
  start(options: LaunchOptions): Promise<LocalServerProcess>;
}

/** The command line every launcher runs, after the program: `serve` on loopback, a free port. */
export const serveArgs = (dataDir: string) => ['serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1'];

/**
 * The child's environment: ours without a bootstrap token. The token goes over a pipe or a message
 * instead: a process's environment is readable by its user in /proc/<pid>/environ for its lifetime.
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { USERDECK_BOOTSTRAP_TOKEN: _token, ...rest } = env;
  return rest;
}

/**
 * Waits for the ready line on a stream of lines; rejects when the process exits first or the time
 * runs out.
 */
export function waitForReady(
  lines: AsyncIterable<string> | { on(event: 'line', cb: (line: string) => void): void },
  exited: Promise<number | null>,
  onOutput: (line: string) => void,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(
      () => finish(new AppError('timeout', { what: 'localDirectory' }, { key: 'errors.localStartFailed' })),
      timeoutMs,
    );
    const finish = (result: string | AppError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    const onLine = (line: string) => {
      onOutput(line);
      const match = READY_LINE.exec(line);
      if (match) finish(match[1]!);
    };
    if ('on' in lines) lines.on('line', onLine);
    else
      void (async () => {
        for await (const line of lines) onLine(line);
      })();
    void exited.then((code) => finish(new AppError('server', { code: code ?? -1 }, { key: 'errors.localStartFailed' })));
  });
}

/** `node bin/userdeck.js serve … --bootstrap-token-stdin` as a child process, the token on its stdin. */
export function childProcessLauncher(options: {
  projectRoot: string;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}): LocalLauncher {
  return {
    async start({ dataDir, token, onOutput }) {
      const child = spawn(
        process.execPath,
        [join(options.projectRoot, 'bin', 'userdeck.js'), ...serveArgs(dataDir), '--bootstrap-token-stdin'],
        { cwd: options.projectRoot, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.once('error', (error) => onOutput(`failed to start: ${error.message}`));
      // A child that dies before reading its stdin must not crash us with EPIPE; its exit is reported.
      child.stdin!.on('error', () => {});
      child.stdin!.end(`${token}\n`);
      createInterface({ input: child.stderr! }).on('line', onOutput);
      let url: string;
      try {
        url = await waitForReady(createInterface({ input: child.stdout! }), exited, onOutput, options.startTimeoutMs ?? 60_000);
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
      const exitListeners: ((code: number | null) => void)[] = [];
      let stopping = false;
      void exited.then((code) => {
        if (!stopping) for (const listener of exitListeners) listener(code);
      });
      return {
        url,
        pid: child.pid,
        onExit: (listener) => exitListeners.push(listener),
        async stop() {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const lingering = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 5000);
          await exited;
          clearTimeout(lingering);
        },
      };
    },
  };
}
