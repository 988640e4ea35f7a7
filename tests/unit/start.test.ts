/** `npm start` where the Electron binary is missing: one line saying so, then the UI through the bridge. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/bridge-process';

describe('npm start without an Electron binary', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says so in one line and serves the UI through the bridge', async () => {
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--data', dataDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL in 90 s: ${lines.join('\n')}`)), 90_000);
        child.stdout.on('data', (chunk: Buffer) => {
          lines.push(...chunk.toString().split('\n').filter(Boolean));
          const match = lines.map((l) => /^Userdeck bridge: (\S+)$/.exec(l)).find(Boolean);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${lines.join('\n')}`)));
      });
      expect(lines[0]).toBe('Electron binary not installed: serving Userdeck in your browser through the local bridge instead.');
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?bridgeToken=[\w-]{40,}$/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script src="/__userdeck/shim.js"></script>');

      // Stopping `npm start` stops the bridge behind it: the process ends and the port is released.
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses to serve the bridge beyond loopback', async () => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'electron/bridge/main.ts', '--host', '0.0.0.0', '--data', dataDir], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('Userdeck bridge: refusing --host 0.0.0.0: it only listens on loopback (127.0.0.1 or localhost).');
  }, 60_000);
});
