import { writeFile, rename } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';
import { filterOf, type JobRequest } from '../../../common/users/directory';
import type { ConnectionManager } from '../connections/manager';
import type { DialogPort } from '../dialogs/dialog-port';
import type { HandlersOf } from '../ipc/handlers';
import type { Logger } from '../log/logger';
import { withDirectory } from '../users/handlers';
import type { DirectoryApi, JobBody } from '../users/directory-api';

/** Retrying "the failed ones" is a new job on their ids; beyond this many, filter the list instead. */
const RETRY_MAX = 10_000;

/** "All N matching" travels as the list's filter: the server selects the users, the app never lists their ids. */
export function jobBody(request: JobRequest): JobBody {
  const body: JobBody = { action: request.action };
  if (request.params && Object.keys(request.params).length) body.params = request.params;
  if ('ids' in request.target) body.userIds = [...new Set(request.target.ids)];
  else body.filter = filterOf(request.target.query);
  return body;
}

async function failedIds(api: DirectoryApi, jobId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < RETRY_MAX; page++) {
    const result = await api.jobResults(jobId, { status: 'failed', page, pageSize: 500 });
    ids.push(...result.items.map((r) => r.userId));
    if (result.items.length < 500 || page * 500 >= result.total) break;
  }
  return ids.slice(0, RETRY_MAX);
}

/** Writes text through a temporary sibling, so the chosen file is never left half written. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}

export function jobsHandlers(deps: { connections: ConnectionManager; dialogs: DialogPort; logger: Logger }): HandlersOf<'jobs'> {
  const run = <T>(work: (api: DirectoryApi) => Promise<T>) => withDirectory(deps.connections, 'jobs', work);
  return {
    'jobs/preview': (request) => run((api) => api.preview(jobBody(request))),
    'jobs/start': (request) =>
      run(async (api) => {
        const job = await api.startJob(jobBody(request));
        deps.logger.info('jobs: started', { id: job.id, action: job.action, total: job.total });
        return job;
      }),
    'jobs/get': ({ id }) => run((api) => api.job(id)),
    'jobs/list': () => run((api) => api.jobs(20)),
    'jobs/cancel': ({ id }) => run((api) => api.cancelJob(id)),
    'jobs/results': ({ id, status, page, pageSize }) => run((api) => api.jobResults(id, { status, page, pageSize })),
    'jobs/retryFailed': ({ id }) =>
      run(async (api) => {
        const job = await api.job(id);
        const ids = await failedIds(api, id);
        if (ids.length === 0) throw new AppError('validation', { field: 'id' }, { key: 'jobs.errors.nothingToRetry' });
        return api.startJob({ action: job.action, params: job.params, userIds: ids });
      }),
    'jobs/saveCsv': ({ id, kind }) =>
      run(async (api) => {
        const job = await api.job(id);
        const path = await deps.dialogs.saveFile({
          title: kind === 'export' ? 'Export users' : 'Save job results',
          defaultName:
            kind === 'export'
              ? `users-export-${job.createdAt.slice(0, 10)}.csv`
              : `job-${job.action}-${job.id.slice(0, 8)}-results.csv`,
          filters: [{ name: 'CSV', extensions: ['csv'] }],
        });
        if (!path) return { saved: false, name: null };
        await writeAtomically(path, await api.jobCsv(id, kind));
        return { saved: true, name: basename(path) };
      }),
  };
}
