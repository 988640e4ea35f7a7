// Preinstall hook: on Debian-like Linux, installs the system packages the native modules and tests
// need (scripts/setup-system.sh, idempotent). Elsewhere there is nothing to do.
import { spawnSync } from 'node:child_process';

if (process.platform === 'linux') {
  const result = spawnSync('bash', ['scripts/setup-system.sh'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
