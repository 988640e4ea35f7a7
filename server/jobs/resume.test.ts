import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startUserdeck } from '../../tests/helpers/cli-process';
import { TestClock } from '../../tests/helpers/clock';
import { adminToken, describeBackends, request } from '../../tests/helpers/directory';
import { createDatabase } from '../../tests/helpers/postgres';
import { startServer, type RunningServer } from '../index';

/** The real `userdeck serve`, with small slow chunks so that it can be killed in the middle of a job. */
function serve(dataDir: string, databaseUrl: string | undefined): Promise<{ child: ChildProcess; url: string }> {
  const child = startUserdeck(['serve', '--data', dataDir, '--port', '0', ...(databaseUrl ? ['--database', databaseUrl] : [])], {
    USERDECK_BOOTSTRAP_TOKEN: adminToken,
    USERDECK_JOB_CHUNK_SIZE: '20',
    USERDECK_JOB_PAUSE_MS: '40',
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /Userdeck directory listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describeBackends('jobs survive a crash', (backend) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-resume-'));
  let drop: (() => Promise<void>) | undefined;
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) await killed(child);
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes a job killed midway (kill -9) and processes every user exactly once', async () => {
    let databaseUrl: string | undefined;
    if (backend === 'postgres') {
      const db = await createDatabase(inject('pgUrl')!);
      databaseUrl = db.url;
      drop = db.drop;
    }
    let server = await serve(dataDir, databaseUrl);
    child = server.child;
    const call = (method: string, path: string, body?: unknown) =>
      request(`${server.url}${path}`, method, body, { authorization: `Bearer ${adminToken}` });
    const rows = Array.from({ length: 400 }, (_, i) => ({
      key: `r${i}`,
      action: 'create',
      user: { username: `resume${i}`, email: `resume${i}@example.org`, firstName: 'Re', lastName: `Sume ${i}` },
    }));
    expect((await call('POST', '/api/v1/users/batch', { rows })).status).toBe(200);

    const created = await call('POST', '/api/v1/jobs', { action: 'invite', filter: { q: 'resume' } });
    expect(created.status, created.text).toBe(202);
    const id = created.body.id as string;
    for (let i = 0; ; i++) {
      const job = (await call('GET', `/api/v1/jobs/${id}`)).body;
      if (job.processed >= 60) break;
      if (i > 2000) throw new Error('the job did not start');
      await new Promise((r) => setTimeout(r, 10));
    }
    await killed(server.child);
    server = await serve(dataDir, databaseUrl);
    child = server.child;
    const interrupted = (await call('GET', `/api/v1/jobs/${id}`)).body;
    expect(interrupted.processed).toBeGreaterThanOrEqual(60);
    expect(interrupted.processed).toBeLessThan(400);

    let job = interrupted;
    for (let i = 0; job.status === 'running'; i++) {
      if (i > 3000) throw new Error(`the job did not resume: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 20));
      job = (await call('GET', `/api/v1/jobs/${id}`)).body;
    }
    expect(job).toMatchObject({ status: 'done', total: 400, processed: 400, done: 400, skipped: 0, failed: 0 });
    // Exactly one invitation each: one mail, no resend counted, one log entry.
    const outbox = (await call('GET', '/api/v1/outbox?pageSize=500')).body;
    expect(outbox.total).toBe(400);
    expect(new Set(outbox.items.map((m: { to: string }) => m.to)).size).toBe(400);
    const users = (await call('GET', '/api/v1/users?q=resume&pageSize=500')).body.items as {
      enrollment: string;
      invitationResends: number;
    }[];
    expect(users).toHaveLength(400);
    expect(users.every((u) => u.enrollment === 'sent' && u.invitationResends === 0)).toBe(true);
    const log = (await call('GET', '/api/v1/activity?type=user.invited&pageSize=500')).body.items as { target: { id: string } }[];
    expect(log).toHaveLength(400);
    expect(new Set(log.map((e) => e.target.id)).size).toBe(400);
  });
});

describe.skipIf(!inject('pgUrl'))('several instances on one PostgreSQL database', () => {
  const servers: RunningServer[] = [];
  const dirs: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const s of servers) await s.close();
    await drop?.();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('share a bulk job, every user processed once, and run a sweep once', async () => {
    const db = await createDatabase(inject('pgUrl')!);
    drop = db.drop;
    const clock = new TestClock('2025-07-01T00:00:00Z');
    const start = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'userdeck-multi-'));
      dirs.push(dataDir);
      return startServer({
        dataDir,
        databaseUrl: db.url,
        bootstrapToken: adminToken,
        clock,
        background: { chunkSize: 50, chunkPauseMs: 150 },
      });
    };
    const first = await start();
    const call = (s: RunningServer, method: string, path: string, body?: unknown) =>
      request(`${s.url}${path}`, method, body, { authorization: `Bearer ${adminToken}` });
    const rows = Array.from({ length: 600 }, (_, i) => ({
      key: `m${i}`,
      action: 'create',
      user: {
        username: `multi${i}`,
        email: `multi${i}@example.org`,
        firstName: 'Mul',
        lastName: 'Ti',
        ...(i < 5 ? { expiresAt: '2025-07-02' } : {}),
      },
    }));
    expect((await call(first, 'POST', '/api/v1/users/batch', { rows })).status).toBe(200);
    await first.close();

    // Two days later, two instances start at once: each asks for the start-up sweep.
    clock.advance(2 * 86_400_000);
    const [a, b] = await Promise.all([start(), start()]);
    servers.push(a, b);
    const sweeps = async () => (await call(a, 'GET', '/api/v1/activity?type=sweep.run&from=2025-07-03')).body.items as unknown[];
    for (let i = 0; (await sweeps()).length === 0; i++) {
      if (i > 300) throw new Error('no sweep ran at start');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await sweeps()).toHaveLength(1);
    const deactivated = (await call(b, 'GET', '/api/v1/activity?type=user.deactivated&pageSize=100')).body.items as {
      target: { id: string };
    }[];
    expect(deactivated).toHaveLength(5);
    expect(new Set(deactivated.map((e) => e.target.id)).size).toBe(5);

    const created = await call(a, 'POST', '/api/v1/jobs', {
      action: 'addTags',
      params: { tags: ['shared'] },
      filter: { q: 'multi', status: 'active' },
    });
    expect(created.status, created.text).toBe(202);
    let job = created.body;
    for (let i = 0; job.status === 'running'; i++) {
      if (i > 1500) throw new Error(`the job did not finish: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 20));
      job = (await call(b, 'GET', `/api/v1/jobs/${job.id}`)).body;
    }
    expect(job).toMatchObject({ status: 'done', total: 595, processed: 595, done: 595 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const workers = await client.query<{ worker: string; n: string }>(
        'select worker, count(*) as n from job_items where job_id = $1 group by worker',
        [job.id],
      );
      // Both instances took chunks.
      expect(workers.rows).toHaveLength(2);
      expect(workers.rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(595);
      const logged = await client.query<{ n: string; d: string }>(
        `select count(*) as n, count(distinct target_id) as d from activity_log where action = 'user.updated' and data like $1`,
        [`%"job":"${job.id}"%`],
      );
      expect(logged.rows[0]).toEqual({ n: '595', d: '595' });
    } finally {
      await client.end();
    }
  });
});
