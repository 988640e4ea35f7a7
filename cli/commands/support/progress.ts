/**
 * Progress lines on stderr (`progress: N rows done`), never on stdout where `--json` output goes:
 * the first report at once, then at most one a second, and the final count when done.
 */
export function progressPrinter(
  stderr: NodeJS.WritableStream,
  options: { intervalMs?: number; now?: () => number } = {},
): { update(rows: number): void; done(rows: number): void } {
  const interval = options.intervalMs ?? 1000;
  const now = options.now ?? Date.now;
  let last: number | null = null;
  let shown = -1;
  const print = (rows: number) => {
    shown = rows;
    last = now();
    stderr.write(`progress: ${rows} rows done\n`);
  };
  return {
    update(rows) {
      if (rows !== shown && (last === null || now() - last >= interval)) print(rows);
    },
    done(rows) {
      if (rows !== shown) print(rows);
    },
  };
}
