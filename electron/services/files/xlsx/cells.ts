/** How XLSX cell values become text: numbers as plain decimals, dates as ISO 8601. */

/** `AB12` → 27 (0-based column). */
export function columnIndex(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col - 1;
}

/** A number as Excel shows it in General format at most (15 significant digits), never in exponent form. */
export function plainDecimal(raw: string): string {
  const n = Number(raw);
  if (!Number.isFinite(n)) return raw;
  const rounded = Number(n.toPrecision(15));
  const text = String(rounded);
  if (!/e/i.test(text)) return text;
  const [mantissa, exp] = text.toLowerCase().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt =
    (mantissa.replace('-', '').indexOf('.') === -1 ? mantissa.replace('-', '').length : mantissa.replace('-', '').indexOf('.')) +
    Number(exp);
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (negative ? '-' : '') + out;
}

const dayMs = 86_400_000;

/** An Excel serial date as ISO 8601: `YYYY-MM-DD`, with `THH:MM:SS` when it has a time. */
export function serialToIso(serial: number, date1904: boolean): string {
  // 1900 system: serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : serial < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const ms = Math.round((epoch + serial * dayMs) / 1000) * 1000;
  const iso = new Date(ms).toISOString();
  if (serial < 1 && serial >= 0 && !date1904) return iso.slice(11, 19);
  return ms % dayMs === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}

/**
 * OOXML escapes characters XML cannot carry as `_xHHHH_` (Excel writes a CR as `_x000D_`); a
 * literal `_xHHHH_` is written with its underscore escaped (`_x005F_`).
 */
export function decodeOoxmlText(text: string): string {
  return text.indexOf('_x') === -1
    ? text
    : text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// Control characters are exactly what needs encoding (XML 1.0 cannot hold them); tab and LF can stay.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F]/;
// eslint-disable-next-line no-control-regex
const controlCharactersAll = /[\u0000-\u0008\u000B\u000C\u000D\u000E-\u001F]/g;

export function encodeOoxmlText(text: string): string {
  if (!/_x[0-9A-Fa-f]{4}_/.test(text) && !controlCharacters.test(text)) return text;
  return text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(controlCharactersAll, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}
