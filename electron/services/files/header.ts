/**
 * Finds the header among the first rows of a table: skips blank rows, title rows (fewer filled
 * cells than half the table's width) and Entra's `version:v1.0` line. A row naming known user
 * fields wins outright.
 */
export interface ProbeRow {
  cells: string[];
  line: number;
}

const isFilled = (cell: string | undefined) => cell !== undefined && cell.trim() !== '';
const filledCount = (cells: string[]) => cells.reduce((n, c) => n + (isFilled(c) ? 1 : 0), 0);
const lastFilled = (cells: string[]) => {
  for (let i = cells.length - 1; i >= 0; i--) if (isFilled(cells[i])) return i + 1;
  return 0;
};
const isVersionLine = (cells: string[]) => filledCount(cells) === 1 && /^\s*version:\s*v?\d/i.test(cells.find(isFilled) ?? '');
const looksLikeData = (cell: string) => /@|^[\d\s.,:/+-]+$/.test(cell.trim());

/** Returns the index (into `rows`) of the header row, or -1 when every row is blank. */
export function detectHeader(rows: ProbeRow[], isKnownHeader: (cell: string) => boolean = () => false): number {
  const candidates = rows
    .map((row, i) => ({ row, i }))
    .filter(({ row }) => filledCount(row.cells) > 0 && !isVersionLine(row.cells));
  if (candidates.length === 0) return -1;
  for (const { row, i } of candidates.slice(0, 30)) {
    if (row.cells.filter((c) => isFilled(c) && isKnownHeader(c)).length >= 2) return i;
  }
  const width = Math.max(...candidates.slice(0, 30).map(({ row }) => lastFilled(row.cells)));
  if (width <= 1) return candidates[0]!.i;
  const need = Math.max(2, Math.ceil(width / 2));
  for (const { row, i } of candidates.slice(0, 30)) {
    const filled = row.cells.filter(isFilled);
    if (filled.length >= need && filled.filter(looksLikeData).length * 2 <= filled.length) return i;
  }
  return candidates[0]!.i;
}

export const isBlankRow = (cells: string[]) => cells.every((c) => c === '');
