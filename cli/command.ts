export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a command reads its input from; process.stdin when left out. */
  stdin?: NodeJS.ReadableStream;
}

export interface Command {
  summary: string;
  usage: string;
  /** Resolves to the exit code; throws CliError for expected failures. */
  run(args: string[], io: CliIO): Promise<number>;
}
