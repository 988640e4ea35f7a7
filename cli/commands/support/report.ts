import type { InspectReport, RowProblem } from '../../../common/files/types';

const shownDelimiter = (d: string | null) => (d === null ? '-' : d === '\t' ? 'tab' : d);

export function problemLine(p: RowProblem): string {
  const where = `row ${p.row}${p.line !== null ? ` (line ${p.line + 1})` : ''}`;
  return `  ${where}${p.column !== null ? `, column "${p.column}"` : ''}: ${p.problem}`;
}

/** The human form of an inspect or validate report. */
export function printReport(out: NodeJS.WritableStream, report: InspectReport, limit = 20): void {
  out.write(`format     ${report.format}\n`);
  out.write(`encoding   ${report.encoding ?? '-'}\n`);
  out.write(`delimiter  ${shownDelimiter(report.delimiter)}\n`);
  out.write(`header row ${report.headerRow ?? '-'}\n`);
  if (report.sheet !== undefined) out.write(`sheet      ${report.sheet}\n`);
  out.write(`data rows  ${report.dataRows}\n`);
  out.write('columns\n');
  for (const column of report.columns) out.write(`  ${JSON.stringify(column)} → ${report.mapping[column] ?? '(ignored)'}\n`);
  out.write(`problems   ${report.problems.length}\n`);
  for (const p of report.problems.slice(0, limit)) out.write(`${problemLine(p)}\n`);
  if (report.problems.length > limit) out.write(`  … ${report.problems.length - limit} more (use --json)\n`);
  out.write(`duplicates ${report.duplicates.length}\n`);
  for (const [i, j] of report.duplicates.slice(0, limit)) out.write(`  rows ${i} and ${j}\n`);
  for (const n of report.notices) out.write(`note: ${n.message}\n`);
}
