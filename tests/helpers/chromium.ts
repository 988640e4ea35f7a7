import { existsSync } from 'node:fs';

/** Debian's Chromium: Playwright never downloads a browser of its own here. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error("Chromium not found: run `npm run setup` (installs Debian's chromium) or set CHROMIUM_PATH");
  return found;
}
