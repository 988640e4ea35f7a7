// Runs Electronegativity over the Electron sources and fails on any HIGH finding. It lives in its own
// folder (tools/electronegativity) because it breaks when it shares node_modules with TypeScript 6.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tool = join(process.cwd(), 'tools', 'electronegativity');
if (!existsSync(join(tool, 'node_modules', '.bin', 'electronegativity'))) {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel', 'error'], { cwd: tool, stdio: 'inherit' });
}
const electronVersion = JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version;
const out = join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'report.csv');
execFileSync(
  join(tool, 'node_modules', '.bin', 'electronegativity'),
  ['-i', join(process.cwd(), 'electron'), '-e', electronVersion, '-r', '-v', 'false', '-o', out],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LANG: 'C' } },
);
const rows = readFileSync(out, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));
const bySeverity = { HIGH: [], MEDIUM: [], LOW: [], INFORMATIONAL: [] };
for (const row of rows) (bySeverity[row[1]?.replaceAll('"', '')] ??= []).push(row);
for (const row of rows)
  console.log(`  ${row[1].replaceAll('"', '').padEnd(13)} ${row[0]} ${row[3]}:${row[4]?.replaceAll('"', '')}`);
console.log(
  `electronegativity: ${rows.length} findings, ${bySeverity.HIGH.length} high, ${bySeverity.MEDIUM.length} medium, ${bySeverity.LOW.length} low (Electron ${electronVersion})`,
);
process.exit(bySeverity.HIGH.length > 0 ? 1 : 0);
