/**
 * A set of text keys held as 64-bit hashes in typed arrays, mapping each to the rows that share it.
 * A million usernames and emails cost ~50 MB here instead of ~300 MB as a Map of strings; two
 * different keys collide with odds of about n²/2⁶⁵ (10⁻⁷ for two million keys).
 */
// The two halves of the last hash, kept here rather than returned in a fresh array per key (as
// signed 32-bit values, which V8 holds without allocating).
let hashHi = 0;
let hashLo = 0;

function hash(text: string): void {
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
  hashHi = a | 0;
  hashLo = b | 0;
}

/**
 * The hash of `text.toLowerCase()` without building that string when `text` is ASCII (where
 * lower-casing is A–Z → a–z); other text is lower-cased the full Unicode way first.
 */
function hashLowerCase(text: string): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 128) return hash(text.toLowerCase());
    if (c >= 65 && c <= 90) c += 32;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  hashHi = a | 0;
  hashLo = b | 0;
}

/** Slot layout: hash high half, hash low half, row + 1 (0: empty), side by side so a probe reads one place. */
const STRIDE = 3;

export class KeyTable {
  private slots = new Int32Array(1024 * STRIDE);
  private capacity = 1024;
  private size = 0;
  /** Slot → every row with that key, for keys seen more than once. */
  readonly shared = new Map<number, number[]>();

  private slot(h: number, l: number): number {
    const mask = this.capacity - 1;
    const s = this.slots;
    let i = (h ^ Math.imul(l, 0x27d4eb2d)) & mask;
    for (;;) {
      const at = i * STRIDE;
      if (s[at + 2] === 0 || (s[at] === h && s[at + 1] === l)) return i;
      i = (i + 1) & mask;
    }
  }

  /** Adds a row for `key`. */
  add(key: string, row: number): void {
    hash(key);
    this.addHashed(row);
  }

  /** Adds a row for `key.toLowerCase()`. */
  addLowerCase(key: string, row: number): void {
    hashLowerCase(key);
    this.addHashed(row);
  }

  private addHashed(row: number): void {
    const h = hashHi;
    const l = hashLo;
    const i = this.slot(h, l);
    const at = i * STRIDE;
    const s = this.slots;
    if (s[at + 2] !== 0) {
      const list = this.shared.get(i);
      if (list) list.push(row);
      else this.shared.set(i, [s[at + 2]! - 1, row]);
      return;
    }
    s[at] = h;
    s[at + 1] = l;
    s[at + 2] = row + 1;
    this.size++;
    if (this.size * 2 > this.capacity) this.grow();
  }

  /** Every row with `key`, in the order added. */
  rowsOf(key: string): number[] {
    hash(key);
    return this.rowsOfHashed();
  }

  /** Every row with `key.toLowerCase()`, in the order added. */
  rowsOfLowerCase(key: string): number[] {
    hashLowerCase(key);
    return this.rowsOfHashed();
  }

  private rowsOfHashed(): number[] {
    const i = this.slot(hashHi, hashLo);
    const row = this.slots[i * STRIDE + 2]!;
    if (row === 0) return [];
    return this.shared.get(i) ?? [row - 1];
  }

  private grow(): void {
    const { slots: old, capacity, shared } = this;
    this.capacity = capacity * 2;
    this.slots = new Int32Array(this.capacity * STRIDE);
    const s = this.slots;
    const moved = new Map<number, number[]>();
    for (let i = 0; i < capacity; i++) {
      const at = i * STRIDE;
      if (old[at + 2] === 0) continue;
      const j = this.slot(old[at]!, old[at + 1]!);
      const to = j * STRIDE;
      s[to] = old[at]!;
      s[to + 1] = old[at + 1]!;
      s[to + 2] = old[at + 2]!;
      if (shared.size === 0) continue;
      const list = shared.get(i);
      if (list) moved.set(j, list);
    }
    shared.clear();
    for (const [k, v] of moved) shared.set(k, v);
  }
}
