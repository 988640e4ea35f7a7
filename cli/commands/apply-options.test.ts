/**
 * The options of plan and apply against a real directory: policies, --blank-clears, --passwords set,
 * an XLSX results report whose failed rows are fixed and re-run, resuming a real job with another or
 * a changed file (refused), and progress on stderr while --json output stays alone on stdout.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUserdeckInProcess as userdeck } from '../../tests/helpers/cli-in-process';
import { runUserdeck } from '../../tests/helpers/cli-process';
import { adminToken, request, startTestDirectory, type TestDirectory } from '../../tests/helpers/directory';

const work = mkdtempSync(join(tmpdir(), 'userdeck-apply-options-'));
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
function file(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
async function user(username: string) {
  const found = await dir.call('POST', '/api/v1/users/lookup', { usernames: [username], emails: [] });
  expect(found.status, found.text).toBe(200);
  return found.body.users[0];
}
const json = (run: { stdout: string }) => JSON.parse(run.stdout);

describe('plan and apply options', () => {
  beforeAll(async () => {
    const seeded = await userdeck(
      [
        'apply',
        file('seed.csv', [
          'username,email,firstName,lastName,phone,password',
          'opt.ann,opt.ann@example.com,Ann,Lee,+1 555 0100,First-Pass-1',
          'opt.bob,opt.bob@example.com,Bob,Roe,+1 555 0101,First-Pass-2',
        ]),
        ...auth(),
        '--json',
      ],
      env,
    );
    expect(json(seeded)).toMatchObject({ created: 2, rows: 2 });
  });

  it('--policy update (default), skip (add new only) and update-only', async () => {
    const path = file('policy.csv', [
      'username,email,firstName,lastName',
      'opt.ann,opt.ann@example.com,Annie,Lee',
      'opt.new,opt.new@example.com,New,Comer',
    ]);
    const plan = async (...extra: string[]) => {
      const run = await userdeck(['plan', path, ...auth(), '--json', ...extra], env);
      expect(run.code, run.stderr).toBe(0);
      return json(run).rows.map((r: { action: string; reason?: string }) => [r.action, r.reason ?? null]);
    };
    expect(await plan()).toEqual([
      ['update', null],
      ['create', null],
    ]);
    expect(await plan('--policy', 'update')).toEqual(await plan());
    expect(await plan('--policy', 'skip')).toEqual([
      ['skip', 'user "opt.ann" exists (policy: add new only)'],
      ['create', null],
    ]);
    expect(await plan('--policy', 'update-only')).toEqual([
      ['update', null],
      ['skip', 'no such user (policy: update only)'],
    ]);
    const applied = await userdeck(['apply', path, ...auth(), '--json', '--policy', 'update-only'], env);
    expect(json(applied)).toMatchObject({ created: 0, updated: 1, skipped: 1, failed: 0, rows: 2 });
    expect((await user('opt.ann')).firstName).toBe('Annie');
    expect(await user('opt.new')).toBeUndefined();
    const bad = await userdeck(['plan', path, ...auth(), '--policy', 'sometimes'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('userdeck plan: --policy must be update (add and update), skip (add new only) or update-only\n');
  });

  it('an empty cell never blanks a value unless --blank-clears', async () => {
    const path = file('blank.csv', ['username,email,firstName,lastName,phone', 'opt.bob,opt.bob@example.com,Bob,Roe,']);
    expect(json(await userdeck(['plan', path, ...auth(), '--json'], env)).rows[0]).toMatchObject({
      action: 'skip',
      reason: 'unchanged',
    });
    const plan = json(await userdeck(['plan', path, ...auth(), '--json', '--blank-clears'], env));
    expect(plan.rows[0]).toMatchObject({ action: 'update', changes: [{ field: 'phone', from: '+1 555 0101', to: null }] });
    const applied = await userdeck(['apply', path, ...auth(), '--json', '--blank-clears'], env);
    expect(json(applied)).toMatchObject({ updated: 1, rows: 1 });
    expect((await user('opt.bob')).phone).toBeNull();
  });

  it('existing users keep their password unless --passwords set', async () => {
    const path = file('passwords.csv', [
      'username,email,firstName,lastName,password',
      'opt.ann,opt.ann@example.com,Annie,Lee,Second-Pass-1',
    ]);
    const login = (password: string) =>
      request(`${dir.url}/api/v1/auth/login`, 'POST', { username: 'opt.ann', password }).then((r) => r.status);
    expect(json(await userdeck(['plan', path, ...auth(), '--json'], env)).rows[0]).toMatchObject({ action: 'skip' });
    expect(json(await userdeck(['apply', path, ...auth(), '--json'], env))).toMatchObject({ skipped: 1 });
    expect(await login('First-Pass-1')).toBe(200);
    const plan = json(await userdeck(['plan', path, ...auth(), '--json', '--passwords', 'set'], env));
    expect(plan.rows[0]).toMatchObject({ action: 'update', changes: [{ field: 'password', from: '(hidden)', to: '(new)' }] });
    expect(JSON.stringify(plan)).not.toContain('Second-Pass-1');
    expect(json(await userdeck(['apply', path, ...auth(), '--json', '--passwords', 'set'], env))).toMatchObject({ updated: 1 });
    expect(await login('Second-Pass-1')).toBe(200);
    expect(await login('First-Pass-1')).toBe(401);
    expect((await userdeck(['plan', path, ...auth(), '--passwords', 'maybe'], env)).code).toBe(2);
  });

  it('--report OUT.xlsx: the original columns plus status, reason and user id; its fixed failed rows re-run', async () => {
    const path = file('report-source.csv', [
      'username,email,firstName,lastName,officialCode',
      'rep.one,rep.one@example.com,Rep,One,007',
      'rep.two,rep.two@@example.com,Rep,Two,008',
      'rep.three,rep.three@example.com,Rep,Three,009',
      'rep.one,rep.four@example.com,Rep,Four,010',
    ]);
    const report = join(work, 'report.xlsx');
    const first = await userdeck(['apply', path, ...auth(), '--json', '--report', report], env);
    expect(first.code, first.stderr).toBe(0);
    expect(json(first)).toMatchObject({ created: 2, failed: 2, rows: 4 });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(report);
    const sheet = workbook.worksheets[0]!;
    const rows = sheet.getSheetValues().slice(1) as unknown[][];
    expect(rows[0]!.slice(1)).toEqual([
      'username',
      'email',
      'firstName',
      'lastName',
      'officialCode',
      'userdeck_status',
      'userdeck_reason',
      'userdeck_user_id',
    ]);
    expect(rows.slice(1).map((r) => r[6])).toEqual(['created', 'failed', 'created', 'failed']);
    expect(rows[1]![5]).toBe('007');
    expect(String(rows[2]![7])).toContain('malformed email');
    expect(String(rows[4]![7])).toContain('duplicate of row 0');
    expect(rows[1]![8]).toBe((await user('rep.one')).id);

    // Fix both failed rows in Excel and re-run only them.
    sheet.getCell('B3').value = 'rep.two@example.com';
    sheet.getCell('A5').value = 'rep.four';
    const fixed = join(work, 'report-fixed.xlsx');
    await workbook.xlsx.writeFile(fixed);
    const rerun = await userdeck(['apply', fixed, ...auth(), '--json', '--only-failed'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(json(rerun)).toMatchObject({ created: 2, updated: 0, skipped: 2, failed: 0, rows: 4 });
    expect(await user('rep.two')).toMatchObject({ email: 'rep.two@example.com', officialCode: '008' });
    expect(await user('rep.four')).toMatchObject({ email: 'rep.four@example.com' });
    expect((await userdeck(['apply', path, ...auth(), '--report', join(work, 'report.pdf')], env)).code).toBe(2);
  });

  it('--resume of a real job refuses another file and a file changed since, and finishes its own', async () => {
    const path = file('resume.csv', ['username,email,firstName,lastName', 'res.one,res.one@example.com,Res,One']);
    const first = await userdeck(['apply', path, ...auth(), '--json'], env);
    const job = json(first).job as string;
    expect(first.stderr.split('\n')[0]).toBe(`job ${job}`);

    const other = file('resume-other.csv', ['username,email,firstName,lastName', 'res.two,res.two@example.com,Res,Two']);
    const refused = await userdeck(['apply', other, ...auth(), '--json', '--resume', job], env);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`userdeck apply: job ${job} imports ${path}, not ${other}\n`);
    expect(await user('res.two')).toBeUndefined();

    const later = new Date(Date.now() + 60_000);
    utimesSync(path, later, later);
    const changed = await userdeck(['apply', path, ...auth(), '--json', '--resume', job], env);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/changed since job .* started: it cannot be resumed/);

    const again = file('resume-again.csv', ['username,email,firstName,lastName', 'res.three,res.three@example.com,Res,Three']);
    const second = json(await userdeck(['apply', again, ...auth(), '--json'], env));
    const resumed = await userdeck(['apply', again, ...auth(), '--json', '--resume', second.job], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Every row already has its result: nothing is sent again, nobody is created twice.
    expect(json(resumed)).toEqual({ job: second.job, created: 1, updated: 0, skipped: 0, failed: 0, rows: 1 });
    const total = await dir.call('GET', '/api/v1/users?q=res.three');
    expect(total.body.total).toBe(1);
  });

  it('apply prints progress on stderr after "job JOBID"; --json output stays alone on stdout', async () => {
    const rows = 120;
    const lines = ['username,email,firstName,lastName'];
    for (let i = 0; i < rows; i++) lines.push(`prog${i},prog${i}@example.org,Prog,Row ${i}`);
    const path = file('progress.csv', lines);
    const run = await runUserdeck(['apply', path, ...auth(), '--json', '--batch-size', '10'], env);
    expect(run.code, run.stderr).toBe(0);
    const stderr = run.stderr.trim().split('\n');
    expect(stderr[0]).toMatch(/^job [0-9a-f-]{36}$/);
    const progress = stderr.slice(1);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (const line of progress) expect(line).toMatch(/^progress: \d+ rows done$/);
    // The first batch is reported at once, the total at the end; never a count twice or backwards.
    expect(progress[0]).toBe('progress: 10 rows done');
    expect(progress.at(-1)).toBe(`progress: ${rows} rows done`);
    const counts = progress.map((l) => Number(/\d+/.exec(l)![0]));
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(new Set(counts).size).toBe(counts.length);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: rows, rows });
  });
});
