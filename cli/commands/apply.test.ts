/**
 * plan and apply against the real directory server (a child process on a temp data folder),
 * through the real `userdeck` command: classification, reports, re-running failed rows, and a
 * `kill -9` in the middle of apply followed by `--resume`.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, runUserdeck, startDirectoryProcess, startUserdeck } from '../../tests/helpers/cli-process';

const token = 'apply-test-token-0123456789abcdef';
const fixtures = join(import.meta.dirname, '../../../shared/fixtures/imports');
const work = mkdtempSync(join(tmpdir(), 'userdeck-apply-'));
const env = { USERDECK_DATA_DIR: join(work, 'cli-data') };
let server: { child: ChildProcess; url: string };

beforeAll(async () => {
  server = await startDirectoryProcess(join(work, 'server'), token);
});
afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

const auth = () => ['--url', server.url, '--token', token];
async function usersTotal(query = ''): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/users?pageSize=1${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { total: number }).total;
}

describe('plan', () => {
  it('classifies a fresh file as creates and errors, then as skips after apply, with diffs for changed rows', async () => {
    const first = await runUserdeck(['plan', join(fixtures, 'chamilo-users.csv'), ...auth(), '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const plan = JSON.parse(first.stdout);
    expect(plan).toMatchObject({ create: 23, update: 0, skip: 0, conflict: 0, error: 2 });
    expect(plan.rows).toHaveLength(25);
    expect(plan.rows[3]).toMatchObject({ row: 3, action: 'error' });
    expect(plan.rows[3].problems[0]).toMatchObject({ column: 'Password', code: 'passwordTooShort' });

    const applied = await runUserdeck(['apply', join(fixtures, 'chamilo-users.csv'), ...auth(), '--json'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ created: 23, updated: 0, skipped: 0, failed: 2, rows: 25 });

    const changed = join(work, 'changed.csv');
    writeFileSync(
      changed,
      'UserName;Email;FirstName;LastName\njmunoz;jose.munoz@example.com;José María;Muñoz\nzangstrom;minh.nguyen@example.net;Zoë;Ångström\nnewbie;newbie@example.com;New;Bie\n',
    );
    const second = await runUserdeck(['plan', changed, ...auth(), '--json'], env);
    const again = JSON.parse(second.stdout);
    expect(again).toMatchObject({ create: 1, update: 1, skip: 0, conflict: 1, error: 0 });
    expect(again.rows[0]).toMatchObject({ action: 'update', changes: [{ field: 'firstName', from: 'José', to: 'José María' }] });
    expect(again.rows[1].action).toBe('conflict');
    const skipPolicy = JSON.parse((await runUserdeck(['plan', changed, ...auth(), '--json', '--policy', 'skip'], env)).stdout);
    expect(skipPolicy.rows[0]).toMatchObject({ action: 'skip' });
  });

  it('exits 2 on a bad file and 3 when the directory cannot be reached', async () => {
    const bad = await runUserdeck(['plan', join(work, 'missing.csv'), ...auth()], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const down = await runUserdeck(
      ['plan', join(fixtures, 'moodle-users.csv'), '--url', 'http://127.0.0.1:9', '--token', token],
      env,
    );
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('apply', () => {
  it('writes a results report whose failed rows can be fixed and re-run', async () => {
    const report = join(work, 'moodle-report.csv');
    const run = await runUserdeck(['apply', join(fixtures, 'moodle-users.csv'), ...auth(), '--json', '--report', report], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split('\n')[0]).toMatch(/^job [0-9a-f-]{36}$/);
    const result = JSON.parse(run.stdout);
    expect(result.created + result.updated + result.skipped + result.failed).toBe(30);
    expect(result.failed).toBe(2);
    const lines = readFileSync(report, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/,userdeck_status,userdeck_reason,userdeck_user_id$/);
    expect(lines).toHaveLength(31);
    const failed = lines.filter((l) => l.includes(',failed,'));
    expect(failed).toHaveLength(2);
    expect(failed.join('\n')).toContain('malformed email: tom@@example.com');

    // Fix the failed rows in the report and re-run only them.
    const fixed = join(work, 'moodle-report-fixed.csv');
    writeFileSync(
      fixed,
      readFileSync(report, 'utf8').replace('tom@@example.com', 'tom@example.com').replace(',short1,', ',longenough1,'),
    );
    const rerun = await runUserdeck(['apply', fixed, ...auth(), '--json', '--only-failed'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    const second = JSON.parse(rerun.stdout);
    expect(second.rows).toBe(30);
    expect(second.skipped).toBeGreaterThanOrEqual(28);
    expect(second.created + second.updated + second.skipped + second.failed).toBe(30);
  });

  it('survives kill -9 mid-run: --resume finishes the job, nobody is created twice and the counts add up', async () => {
    const rows = 1500;
    const file = join(work, 'many.csv');
    const lines = ['username,email,first name,last name'];
    for (let i = 0; i < rows; i++) lines.push(`bulk${i},bulk${i}@example.net,Bulk,User ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const before = await usersTotal();

    const child = startUserdeck(['apply', file, ...auth(), '--json', '--batch-size', '25'], env);
    const done = collect(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const jobId = await new Promise<string>((resolve) => {
      const check = () => {
        const match = /^job ([0-9a-f-]{36})\n/.exec(stderr);
        if (match) resolve(match[1]!);
        else setTimeout(check, 20);
      };
      check();
    });
    const journal = join(env.USERDECK_DATA_DIR, 'jobs', jobId, 'journal.ndjson');
    // Kill once a few batches have landed, well before the end.
    for (let i = 0; i < 1000; i++) {
      if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 8) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const partial = (await usersTotal()) - before;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rows);

    const resumed = await runUserdeck(['apply', file, ...auth(), '--json', '--resume', jobId], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr.split('\n')[0]).toBe(`job ${jobId}`);
    const result = JSON.parse(resumed.stdout);
    expect(result).toEqual({ job: jobId, created: rows, updated: 0, skipped: 0, failed: 0, rows });
    expect((await usersTotal()) - before).toBe(rows);
    expect(await usersTotal('&q=bulk1499')).toBe(1);
  });

  it('exports the directory to every format; the CSV and XLSX exports plan back as all unchanged', async () => {
    for (const format of ['csv', 'xlsx', 'xml', 'json']) {
      const out = join(work, `export.${format}`);
      const run = await runUserdeck(
        ['export', ...auth(), '--format', format, '--out', out, '--filter', 'q=munoz', '--json'],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.rows).toBeGreaterThanOrEqual(1);
      expect(existsSync(out)).toBe(true);
    }
    expect(readFileSync(join(work, 'export.xml'), 'utf8')).toContain('<Contacts>');
    for (const format of ['csv', 'xlsx']) {
      const plan = JSON.parse((await runUserdeck(['plan', join(work, `export.${format}`), ...auth(), '--json'], env)).stdout);
      expect(plan.skip, JSON.stringify(plan.rows.filter((r: any) => r.action !== 'skip'))).toBe(plan.rows.length);
    }
    const bad = await runUserdeck(['export', ...auth(), '--format', 'pdf', '--out', join(work, 'x.pdf')], env);
    expect(bad.code).toBe(2);
  });

  it('templates match the directory: custom fields become columns', async () => {
    const field = { key: 'shirt', label: 'Shirt size', type: 'select', options: ['S', 'M', 'L'] };
    const created = await fetch(`${server.url}/api/v1/custom-fields`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(field),
    });
    expect([201, 409]).toContain(created.status);
    const out = join(work, 'template.csv');
    const run = await runUserdeck(['template', '--format', 'csv', '--out', out, ...auth()], env);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split(',')).toContain('cf.shirt');
    // The cached schema validates offline: M is an option, XXL is not.
    const schemaFile = join(work, 'schema.json');
    const capabilities = await (
      await fetch(`${server.url}/api/v1/capabilities`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    writeFileSync(schemaFile, JSON.stringify(capabilities));
    const sample = join(work, 'shirts.csv');
    writeFileSync(
      sample,
      'username,email,firstName,lastName,cf.shirt\nann,ann@example.com,Ann,Lee,M\nbob,bob@example.com,Bob,Roe,XXL\n',
    );
    const validate = await runUserdeck(['validate', sample, '--schema', schemaFile, '--json'], env);
    expect(validate.code).toBe(1);
    const report = JSON.parse(validate.stdout);
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ row: 1, column: 'cf.shirt', code: 'notAnOption' })]);
  });

  it('refuses to resume a job with another file', async () => {
    const run = await runUserdeck(
      ['apply', join(fixtures, 'moodle-users.csv'), ...auth(), '--resume', '00000000-0000-4000-8000-000000000000'],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no job/);
  });
});
