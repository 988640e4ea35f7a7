/**
 * Runs the `userdeck` command in the test's own process: the same `runCli` that bin/userdeck.js
 * calls, with stdout and stderr captured apart and `env` set for the call. Saves a Node start per
 * command where a test runs dozens; cli-process.ts runs it as scripts do.
 */
import { Writable } from 'node:stream';
import { runCli } from '../../cli/main';

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

const capture = () => {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
};

export async function runUserdeckInProcess(args: string[], env: Record<string, string> = {}): Promise<InProcessRun> {
  const out = capture();
  const err = capture();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const code = await runCli(args, { stdout: out.stream, stderr: err.stream });
    return { code, stdout: out.text(), stderr: err.text() };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
