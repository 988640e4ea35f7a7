import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Job, JobPreview } from '../../../common/api/lifecycle';
import type { JobRequest } from '../../../common/users/directory';
import { unwrap, userdeck } from '../api/userdeck';
import { useNotificationsStore } from './notifications';

const POLL_MS = 1000;

/**
 * Bulk jobs run on the server; this store follows the ones the admin started (and any still running
 * when the app connects), so their progress stays visible in the jobs panel wherever the admin goes.
 */
export const useJobsStore = defineStore('jobs', () => {
  const notifications = useNotificationsStore();
  const jobs = ref<Job[]>([]);
  const minimized = ref(false);
  const open = ref(false);
  /** The job whose per-user results are shown. */
  const resultsOf = ref<string | null>(null);
  /** Increments whenever a job ends, so lists can refresh. */
  const finished = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;

  const running = computed(() => jobs.value.filter((j) => j.status === 'running'));

  function track(job: Job) {
    const index = jobs.value.findIndex((j) => j.id === job.id);
    const before = index >= 0 ? jobs.value[index] : undefined;
    if (index >= 0) jobs.value.splice(index, 1, job);
    else jobs.value.unshift(job);
    if (before?.status === 'running' && job.status !== 'running') {
      finished.value++;
      notifications.push(job.status === 'done' ? 'success' : 'info', `jobs.ended.${job.status}`, {
        done: job.done,
        skipped: job.skipped,
        failed: job.failed,
      });
    }
    schedule();
  }

  function schedule() {
    if (running.value.length && !timer) timer = setInterval(() => void poll(), POLL_MS);
    if (!running.value.length && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  async function poll() {
    for (const job of running.value) {
      try {
        track(await unwrap(userdeck().jobs.get({ id: job.id })));
      } catch {
        // A missed beat (offline, restarting server) is tried again on the next one.
      }
    }
  }

  /** Picks up the jobs still running on the server (after a restart of the app, for instance). */
  async function restore() {
    try {
      const list = await unwrap(userdeck().jobs.list());
      for (const job of list.filter((j) => j.status === 'running')) track(job);
      if (running.value.length) open.value = true;
    } catch {
      // A backend without jobs simply has none to show.
    }
  }

  function preview(request: JobRequest): Promise<JobPreview> {
    return unwrap(userdeck().jobs.preview(request));
  }

  async function start(request: JobRequest): Promise<Job> {
    const job = await unwrap(userdeck().jobs.start(request));
    track({ ...job, status: job.status });
    open.value = true;
    minimized.value = false;
    if (job.status !== 'running') finished.value++;
    return job;
  }

  async function cancel(id: string) {
    try {
      track(await unwrap(userdeck().jobs.cancel({ id })));
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function retryFailed(id: string) {
    try {
      const job = await unwrap(userdeck().jobs.retryFailed({ id }));
      track(job);
      open.value = true;
      resultsOf.value = null;
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  async function saveCsv(id: string, kind: 'results' | 'export') {
    try {
      const saved = await unwrap(userdeck().jobs.saveCsv({ id, kind }));
      if (saved.saved) notifications.push('success', 'jobs.saved', { name: saved.name ?? '' });
    } catch (failure) {
      notifications.reportError(failure);
    }
  }

  function dismiss(id: string) {
    jobs.value = jobs.value.filter((j) => j.id !== id || j.status === 'running');
    if (!jobs.value.length) open.value = false;
  }

  function reset() {
    jobs.value = [];
    open.value = false;
    resultsOf.value = null;
    schedule();
  }

  return {
    jobs,
    running,
    minimized,
    open,
    resultsOf,
    finished,
    track,
    restore,
    preview,
    start,
    cancel,
    retryFailed,
    saveCsv,
    dismiss,
    reset,
    poll,
  };
});
