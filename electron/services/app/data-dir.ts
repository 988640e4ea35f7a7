import { homedir } from 'node:os';
import { join } from 'node:path';

/** The same per-user data folder Electron's `app.getPath('userData')` gives, for the bridge and CLI. */
export function defaultDataDir(appName = 'Userdeck', env = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appName);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appName);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), appName);
}
