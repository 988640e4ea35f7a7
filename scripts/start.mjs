// `npm start`: the desktop app; where the Electron binary is missing (ELECTRON_SKIP_BINARY_DOWNLOAD),
// says so in one line and serves the same UI through the browser bridge, printing its URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs a child in the foreground: a stop request reaches it, and its exit is ours (no bridge left behind). */
function run(args) {
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');

if (electronBinary()) {
  run([electronVite, 'preview']);
} else {
  console.log('Electron binary not installed: serving Userdeck in your browser through the local bridge instead.');
  const build = spawnSync(process.execPath, [electronVite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(['bin/run-ts.js', 'electron/bridge/main.ts', ...process.argv.slice(2)]);
}
