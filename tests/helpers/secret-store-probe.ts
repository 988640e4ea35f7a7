/**
 * Opens the secret store the way the app does and reports which backend it chose, stores a secret
 * and reads it back. Run as a child process so the test controls its D-Bus environment:
 *   node bin/run-ts.js tests/helpers/secret-store-probe.ts DATA_DIR SECRET [--safe-storage]
 */
import { openSecretStore } from '../../electron/services/connections/secrets/open';
import { createLogger } from '../../electron/services/log/logger';
import { TestSafeStorage } from './test-safe-storage';

const [dataDir, secret, flag] = process.argv.slice(2) as [string, string, string | undefined];
const warnings: string[] = [];
const { store, status } = await openSecretStore({
  dataDir,
  logger: createLogger((level, line) => warnings.push(`${level} ${line}`)),
  safeStorage: flag === '--safe-storage' ? new TestSafeStorage() : undefined,
  servicePrefix: `Userdeck probe ${process.pid}`,
  probeTimeoutMs: 5000,
});
await store.set('p1', 'password', secret);
const readBack = await store.get('p1', 'password');
await store.deleteAll('p1');
console.log(JSON.stringify({ status, readBack: readBack === secret, warnings }));
