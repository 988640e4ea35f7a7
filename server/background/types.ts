/**
 * The work a server does besides answering requests (issue 7): bulk job chunks and the scheduled
 * sweeps. On PostgreSQL it runs on pg-boss, so several instances share it and a sweep runs once; on
 * SQLite an in-process runner offers the same interface.
 */
export interface Background {
  /** This server instance (job results record which one processed each user). */
  readonly instanceId: string;
  /** Users per job chunk. */
  readonly chunkSize: number;
  /** Processes these chunks of a job, on whichever instance takes them. */
  submitJob(jobId: string, chunks: number[]): Promise<void>;
  /** Runs the sweeps soon, once across instances. */
  requestSweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  /** Users per job chunk (one transaction each). */
  chunkSize: number;
  /** A pause between two chunks on one instance, leaving room for interactive requests. */
  chunkPauseMs: number;
  /** Minutes between two scheduled sweeps. */
  sweepMinutes: number;
  /** How often queued mails are looked for besides the immediate wake-up after an action. */
  mailPollMs: number;
}

export const defaultBackgroundOptions: BackgroundOptions = {
  chunkSize: 250,
  chunkPauseMs: 0,
  sweepMinutes: 15,
  mailPollMs: 5000,
};

/** Before the runner starts: jobs created meanwhile are picked up when it resumes pending chunks. */
export const noBackground: Background = {
  instanceId: 'none',
  chunkSize: 250,
  async submitJob() {},
  async requestSweep() {},
  async stop() {},
};
