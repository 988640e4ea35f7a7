/** An expected failure of a command: one clear line on stderr and an exit code, never a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    /** 2: bad file or bad argument; 3: network failure; 1: anything else. */
    readonly exitCode: 1 | 2 | 3 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);
export const networkError = (message: string) => new CliError(message, 3);
