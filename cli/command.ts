export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  summary: string;
  usage: string;
  /** Resolves to the exit code; throws CliError for expected failures. */
  run(args: string[], io: CliIO): Promise<number>;
}
