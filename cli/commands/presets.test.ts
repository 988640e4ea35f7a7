/**
 * Mapping presets through the `userdeck` command (in-process) and a real directory: a mapping saved with
 * --save-preset is applied again by inspect, validate, plan and apply when the same header comes
 * back (and to a results report of that file), --no-preset skips it, `userdeck presets` lists and
 * deletes them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUserdeckInProcess as runUserdeck } from '../../tests/helpers/cli-in-process';
import { adminToken, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const work = mkdtempSync(join(tmpdir(), 'userdeck-presets-'));
const env = { USERDECK_DATA_DIR: join(work, 'cli-data') };
let dir: TestDirectory;

beforeAll(async () => {
  dir = await startTestDirectory('sqlite');
});
afterAll(async () => {
  await dir?.close();
  rmSync(work, { recursive: true, force: true });
});

const auth = () => ['--url', dir.url, '--token', adminToken];
const header = 'Kennung;Postfach;Rufname;Sippe;Abteilung';
function file(name: string, rows: string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${[header, ...rows].join('\n')}\n`);
  return path;
}
const map = ['--map', 'Kennung=username', '--map', 'Postfach=email', '--map', 'Rufname=firstName', '--map', 'Sippe=lastName'];
const json = (stdout: string) => JSON.parse(stdout);

describe('mapping presets', () => {
  it('a mapping saved with --save-preset is applied again to the same header by inspect, validate, plan and apply', async () => {
    const january = file('january.csv', ['anna;anna@example.com;Anna;Berg;Sales']);
    // Nothing in this header is a known column: without a mapping the file is refused.
    const unmapped = await runUserdeck(['inspect', january, '--json'], env);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).toMatch(/no column of the header is a username or email/);

    const saved = await runUserdeck(['inspect', january, '--json', ...map, '--save-preset', 'HR export'], env);
    expect(saved.code, saved.stderr).toBe(0);
    expect(json(saved.stdout).mapping).toEqual({
      Kennung: 'username',
      Postfach: 'email',
      Rufname: 'firstName',
      Sippe: 'lastName',
      Abteilung: null,
    });
    expect(json(saved.stdout).notices).toContainEqual({
      code: 'presetSaved',
      message: 'mapping saved as the preset "HR export"',
    });

    const listed = await runUserdeck(['presets', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(json(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'HR export', columns: ['Kennung', 'Postfach', 'Rufname', 'Sippe', 'Abteilung'] }),
    ]);
    expect((await runUserdeck(['presets'], env)).stdout).toContain('"Rufname" → firstName');

    // February's file has the same header and other people: no --map needed any more.
    const february = file('february.csv', ['bert;bert@example.com;Bert;Lund;IT', 'cora;cora@example.com;Cora;Moe;IT']);
    const inspected = json((await runUserdeck(['inspect', february, '--json'], env)).stdout);
    expect(inspected.mapping.Rufname).toBe('firstName');
    expect(inspected.notices).toContainEqual({ code: 'preset', message: 'mapping from the saved preset "HR export"' });
    const validated = await runUserdeck(['validate', february, ...auth(), '--json'], env);
    expect(validated.code, validated.stderr).toBe(0);
    expect(json(validated.stdout)).toMatchObject({ valid: true, mapping: { Kennung: 'username', Sippe: 'lastName' } });
    const plan = await runUserdeck(['plan', february, ...auth(), '--json'], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(json(plan.stdout)).toMatchObject({ create: 2, update: 0, skip: 0, conflict: 0, error: 0 });
    const human = await runUserdeck(['plan', february, ...auth()], env);
    expect(human.stdout).toContain('note: mapping from the saved preset "HR export"');
    const applied = await runUserdeck(['apply', february, ...auth(), '--json'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(json(applied.stdout)).toMatchObject({ created: 2, failed: 0, rows: 2 });
    const cora = await dir.call('GET', '/api/v1/users?q=cora');
    expect(cora.body.items).toEqual([expect.objectContaining({ username: 'cora', firstName: 'Cora', lastName: 'Moe' })]);

    // --no-preset reads the file as if nothing were saved; another header is not matched.
    expect((await runUserdeck(['plan', february, ...auth(), '--json', '--no-preset'], env)).code).toBe(2);
    const wider = join(work, 'wider.csv');
    writeFileSync(wider, `${header};Notiz\ndora;dora@example.com;Dora;Ek;HR;x\n`);
    expect((await runUserdeck(['inspect', wider, '--json'], env)).code).toBe(2);
  });

  it('a results report of a preset-mapped file re-runs its failed rows with the same mapping', async () => {
    const march = file('march.csv', ['emil;emil@example.com;Emil;Dahl;Ops', 'fay;fay@@example.com;Fay;Holm;Ops']);
    const report = join(work, 'march-report.csv');
    const first = await runUserdeck(['apply', march, ...auth(), '--json', '--report', report], env);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first.stdout)).toMatchObject({ created: 1, failed: 1, rows: 2 });
    const fixed = join(work, 'march-fixed.csv');
    writeFileSync(fixed, readFileSync(report, 'utf8').replace('fay@@example.com', 'fay@example.com'));
    const rerun = await runUserdeck(['apply', fixed, ...auth(), '--json', '--only-failed'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(json(rerun.stdout)).toMatchObject({ created: 1, skipped: 1, failed: 0, rows: 2 });
    const fay = await dir.call('GET', '/api/v1/users?q=fay');
    expect(fay.body.items).toEqual([expect.objectContaining({ username: 'fay', firstName: 'Fay', lastName: 'Holm' })]);
  });

  it('a resumed job reads its rows with the mapping it started with, whatever preset was saved since', async () => {
    const may = file('may.csv', ['hugo;hugo@example.com;Hugo;Falk;Legal', 'ida;ida@example.com;Ida;Gran;Legal']);
    // An Auditor's token can plan but not write: apply stops at its first batch, after journaling it.
    const auditor = await dir.call('POST', '/api/v1/tokens', { name: 'read only', role: 'auditor' });
    expect(auditor.status, auditor.text).toBe(201);
    const stopped = await runUserdeck(['apply', may, '--url', dir.url, '--token', auditor.body.token, '--json'], env);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/the token may not do this/);
    const job = /^job ([0-9a-f-]{36})$/m.exec(stopped.stderr)![1]!;
    // Meanwhile someone saves another mapping for this header.
    const remapped = await runUserdeck(
      ['inspect', may, '--json', ...map, '--map', 'Rufname=displayName', '--save-preset', 'HR export'],
      env,
    );
    expect(remapped.code, remapped.stderr).toBe(0);
    const resumed = await runUserdeck(['apply', may, ...auth(), '--json', '--resume', job], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(resumed.stdout)).toMatchObject({ job, created: 2, rows: 2 });
    const hugo = await dir.call('GET', '/api/v1/users?q=hugo');
    expect(hugo.body.items).toEqual([expect.objectContaining({ username: 'hugo', firstName: 'Hugo', displayName: null })]);
  });

  it('--map still overrides a preset, saving again under the name replaces it, and presets delete removes it', async () => {
    const april = file('april.csv', ['gus;gus@example.com;Gus;Nyberg;Gus N.']);
    const overridden = json((await runUserdeck(['inspect', april, '--json', '--map', 'Abteilung=displayName'], env)).stdout);
    expect(overridden.mapping).toMatchObject({ Kennung: 'username', Abteilung: 'displayName' });
    const resaved = await runUserdeck(
      ['inspect', april, '--json', '--map', 'Abteilung=displayName', '--save-preset', 'HR export'],
      env,
    );
    expect(resaved.code, resaved.stderr).toBe(0);
    expect(json((await runUserdeck(['presets', '--json'], env)).stdout)).toHaveLength(1);
    expect(json((await runUserdeck(['inspect', april, '--json'], env)).stdout).mapping.Abteilung).toBe('displayName');

    const deleted = await runUserdeck(['presets', 'delete', 'HR export', '--json'], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(json(deleted.stdout)).toEqual({ deleted: 'HR export' });
    expect(json((await runUserdeck(['presets', '--json'], env)).stdout)).toEqual([]);
    expect((await runUserdeck(['inspect', april, '--json'], env)).code).toBe(2);
    const again = await runUserdeck(['presets', 'delete', 'HR export'], env);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe('userdeck presets: no preset named "HR export"');
    expect((await runUserdeck(['inspect', april, '--save-preset', ' '], env)).code).toBe(2);
  });
});
