/**
 * A set of text keys held as 64-bit hashes in typed arrays, mapping each to the rows that share it.
 * A million usernames and emails cost ~50 MB here instead of ~300 MB as a Map of strings; two
 * different keys collide with odds of about n²/2⁶⁵ (10⁻⁷ for two million keys).
 */
const EMPTY = -1;

function hashes(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  return [a >>> 0, b >>> 0];
}

export class KeyTable {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private rows = new Int32Array(1024).fill(EMPTY);
  private size = 0;
  /** Slot → every row with that key, for keys seen more than once. */
  readonly shared = new Map<number, number[]>();

  private slot(h: number, l: number): number {
    const mask = this.rows.length - 1;
    let i = (h ^ Math.imul(l, 0x27d4eb2d)) & mask;
    while (this.rows[i] !== EMPTY && (this.hi[i] !== h || this.lo[i] !== l)) i = (i + 1) & mask;
    return i;
  }

  /** Adds a row for `key`. */
  add(key: string, row: number): void {
    const [h, l] = hashes(key);
    let i = this.slot(h, l);
    if (this.rows[i] !== EMPTY) {
      const list = this.shared.get(i);
      if (list) list.push(row);
      else this.shared.set(i, [this.rows[i]!, row]);
      return;
    }
    this.hi[i] = h;
    this.lo[i] = l;
    this.rows[i] = row;
    this.size++;
    if (this.size * 2 > this.rows.length) {
      this.grow();
      i = this.slot(h, l);
    }
  }

  /** Every row with `key`, in the order added. */
  rowsOf(key: string): number[] {
    const [h, l] = hashes(key);
    const i = this.slot(h, l);
    if (this.rows[i] === EMPTY) return [];
    return this.shared.get(i) ?? [this.rows[i]!];
  }

  private grow(): void {
    const { hi, lo, rows, shared } = this;
    this.hi = new Uint32Array(rows.length * 2);
    this.lo = new Uint32Array(rows.length * 2);
    this.rows = new Int32Array(rows.length * 2).fill(EMPTY);
    const moved = new Map<number, number[]>();
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === EMPTY) continue;
      const j = this.slot(hi[i]!, lo[i]!);
      this.hi[j] = hi[i]!;
      this.lo[j] = lo[i]!;
      this.rows[j] = rows[i]!;
      const list = shared.get(i);
      if (list) moved.set(j, list);
    }
    shared.clear();
    for (const [k, v] of moved) shared.set(k, v);
  }
}
