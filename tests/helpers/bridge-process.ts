import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BridgeProcess {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  /** Queues the answers of the next native open/save dialogs (null = the user cancels). */
  queueDialogs(answers: {
    open?: (string | null)[];
    save?: (string | null)[];
  }): Promise<{ requests: { type: string; kind?: string }[] }>;
  /** Calls a channel directly, as the page would (for setup steps a test is not about). */
  invoke<T = unknown>(
    channel: string,
    input?: unknown,
  ): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; key: string } }>;
  /** The bridge process's id (its children are the Local directory). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts the browser bridge in test mode with a fresh data folder, as `npm start` would serve it. */
export async function startBridgeProcess(options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BridgeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'userdeck-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/run-ts.js', 'electron/bridge/main.ts', '--port', '0', '--data', dataDir, '--test'],
    { cwd: projectRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bridge did not start in 60 s: ${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Userdeck bridge: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bridge exited with ${code}: ${stderr}`));
    });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('bridgeToken')!;
  return {
    url,
    origin: parsed.origin,
    token,
    dataDir,
    async queueDialogs(answers) {
      const response = await fetch(`${parsed.origin}/__userdeck/test/dialogs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-userdeck-token': token },
        body: JSON.stringify(answers),
      });
      return (await response.json()) as { requests: { type: string; kind?: string }[] };
    },
    async invoke(channel, input) {
      const response = await fetch(`${parsed.origin}/__userdeck/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-userdeck-token': token },
        body: JSON.stringify(input === undefined ? {} : { input }),
      });
      return (await response.json()) as never;
    },
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
