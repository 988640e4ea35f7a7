import type { Command } from '../command';
import { applyImport, writeResultsReport } from '../../electron/services/import/apply';
import { formatFromPath } from '../../electron/services/export/writers/index';
import { prepareFile } from '../../electron/services/import/prepare';
import { CliError, usageError } from '../cli-error';
import { connect } from './support/connection';
import { cliDataDir, importOptions, planSettings } from './support/import-options';
import { guard, parse, readSettings, writeJson } from './support/options';
import { presetSettings } from './support/presets';
import { progressPrinter } from './support/progress';

const command: Command = {
  summary:
    'Imports a user file as a resumable job: prints "job JOBID" first on stderr; after any interruption, the same command with --resume JOBID finishes it.',
  usage:
    'userdeck apply FILE --url URL --token T [--policy update|skip|update-only] [--passwords keep|set] [--blank-clears] [--report OUT.csv|OUT.xlsx] [--resume JOBID] [--only-failed] [--batch-size N] [--json] [--map "Column=field"]… [--save-preset NAME] [--no-preset]',
  async run(args, io) {
    const { values, positionals } = parse(
      args,
      {
        ...importOptions,
        report: { type: 'string' },
        resume: { type: 'string' },
        'only-failed': { type: 'boolean' },
        'batch-size': { type: 'string' },
      },
      { min: 1, max: 1, names: 'FILE' },
    );
    const file = positionals[0]!;
    const settings = { ...readSettings(values), ...presetSettings(values) };
    const options = planSettings(values);
    if (values.report) {
      const format = guardFormat(values.report);
      if (format !== 'csv' && format !== 'xlsx') throw usageError('--report must end in .csv or .xlsx');
    }
    let batchSize: number | undefined;
    if (values['batch-size'] !== undefined) {
      batchSize = Number(values['batch-size']);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw usageError('--batch-size must be a positive whole number');
    }
    const api = connect(values);
    const controller = new AbortController();
    let jobId: string | null = null;
    const progress = progressPrinter(io.stderr);
    const stop = () => controller.abort(new CliError(`cancelled; finish it with --resume ${jobId ?? '(no job yet)'}`, 1));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const { result, results, prepared } = await guard(async () => {
        const capabilities = await api.admin.capabilities({ signal: controller.signal });
        const prepared = await prepareFile(file, { schema: capabilities.fieldSchema, ...settings });
        const outcome = await applyImport(prepared, file, api.admin, capabilities, {
          ...options,
          dataDir: cliDataDir(),
          url: values.url!,
          resume: values.resume,
          batchSize,
          onlyFailed: values['only-failed'],
          signal: controller.signal,
          onJob: (id) => {
            jobId = id;
            io.stderr.write(`job ${id}\n`);
          },
          onProgress: (rows) => progress.update(rows),
        });
        progress.done(outcome.result.rows);
        return { ...outcome, prepared };
      });
      if (values.report) await guard(() => writeResultsReport(values.report!, file, prepared, results));
      if (values.json) writeJson(io.stdout, result);
      else {
        io.stdout.write(
          `job ${result.job}: ${result.rows} rows: ${result.created} created, ${result.updated} updated, ${result.skipped} skipped, ${result.failed} failed\n`,
        );
        if (values.report) io.stdout.write(`report: ${values.report}\n`);
        for (const n of prepared.notices)
          if (n.code === 'preset' || n.code === 'presetSaved') io.stdout.write(`note: ${n.message}\n`);
      }
      return 0;
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof CliError) throw controller.signal.reason;
      throw error;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      api.dispose();
    }
  },
};

function guardFormat(path: string) {
  try {
    return formatFromPath(path);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

export default command;
