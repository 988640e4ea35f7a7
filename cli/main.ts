/** The `userdeck` command line (DESIGN.md §8). */
import { CliError } from './cli-error';
import type { CliIO } from './command';
import { commands } from './commands/index';

function help(io: CliIO): void {
  io.stdout.write('usage: userdeck <command> [options]\n\ncommands:\n');
  for (const name of Object.keys(commands)) io.stdout.write(`  ${name}\n`);
  io.stdout.write("\nRun `userdeck <command> --help` for a command's options.\n");
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.stderr.write(`userdeck: unknown command "${name}" (try: userdeck --help)\n`);
    return 2;
  }
  const command = (await load()).default;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nusage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`userdeck ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`userdeck ${name}: unexpected error: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
