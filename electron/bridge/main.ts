/**
 * Runs Userdeck's services behind the browser bridge: `npm start` where there is no Electron binary,
 * and the end-to-end tests. Prints `Userdeck bridge: URL` once ready.
 *   node bin/run-ts.js electron/bridge/main.ts [--port N] [--data DIR] [--renderer DIR] [--test]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { seedDirectory } from '../../cli/commands/seed';
import { createServices } from '../services';
import { defaultDataDir } from '../services/app/data-dir';
import { createDispatcher } from '../services/ipc/dispatch';
import { childProcessLauncher } from '../services/local/launcher';
import { sampleSeeder } from '../services/local/local-directory';
import { createLogger, fileLogWriter } from '../services/log/logger';
import { QueueDialogs } from './queue-dialogs';
import { BridgePopups } from './popups';
import { startBridge, type Bridge } from './server';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string' },
    renderer: { type: 'string' },
    test: { type: 'boolean', default: false },
  },
});

// The bridge hands out a token that unlocks every secret-holding service: it never listens beyond this computer.
if (!['127.0.0.1', 'localhost'].includes(values.host)) {
  console.error(`Userdeck bridge: refusing --host ${values.host}: it only listens on loopback (127.0.0.1 or localhost).`);
  process.exit(2);
}

const dataDir = resolve(values.data ?? defaultDataDir());
const logger = createLogger(fileLogWriter(join(dataDir, 'logs', 'bridge.log')));
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
const dialogs = new QueueDialogs();
const popups = new BridgePopups();
const live: { bridge?: Bridge } = {};

const services = createServices({
  dataDir,
  info: {
    name: 'Userdeck',
    version: pkg.version,
    platform: process.platform,
    mode: 'bridge',
    systemLocale: Intl.DateTimeFormat().resolvedOptions().locale,
  },
  dialogs,
  emit: (event, payload) => live.bridge?.emit(event, payload),
  logger,
  // The Local directory runs as `node bin/userdeck.js serve` in a child process.
  localLauncher: childProcessLauncher({ projectRoot }),
  seedLocal: sampleSeeder(seedDirectory),
  impersonation: popups,
});

const bridge = await startBridge({
  host: values.host,
  port: Number(values.port),
  rendererDir: resolve(values.renderer ?? join(projectRoot, 'out', 'renderer')),
  dispatch: createDispatcher(services.handlers, logger),
  logger,
  testDialogs: values.test ? dialogs : undefined,
  popups,
});
live.bridge = bridge;
logger.info('bridge: started', { origin: bridge.origin, dataDir });
console.log(`Userdeck bridge: ${bridge.url}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await services.dispose();
  await bridge.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
