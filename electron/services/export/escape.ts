/**
 * OWASP CSV injection: a cell that starts with `=`, `+`, `-`, `@`, TAB or CR is prefixed with `'`
 * so a spreadsheet shows it as text instead of running it. A value that already starts with `'`
 * before one of those characters gets one more `'`, so `unescapeFormula` gives back exactly what
 * was exported (our own files round-trip; other files are read verbatim).
 */
const trigger = /^'*[=+\-@\t\r]/;

export const needsFormulaEscape = (value: string): boolean => trigger.test(value);

export function escapeFormula(value: string): string {
  return needsFormulaEscape(value) ? `'${value}` : value;
}

export function unescapeFormula(value: string): string {
  return /^'+[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
