/**
 * Text keys held as 64-bit hashes in typed arrays, to find the rows that share one. A million
 * usernames and emails cost ~50 MB here instead of ~300 MB as a Map of strings; two different keys
 * collide with odds of about n²/2⁶⁵ (10⁻⁷ for two million keys).
 * - `KeyLog` appends (hash, row) as rows stream and groups equal hashes at the end by sorting:
 *   sequential writes while scanning, where a hash table pays a cache miss per key.
 * - `KeyTable` answers "which rows have this key" while rows are still coming (the plan).
 */

/** The last hash: [high, low] as signed 32-bit values (held by V8 without allocating). */
export const lastHash = new Int32Array(2);

/**
 * Hashes `text` (lower-cased first when `lower`) into `lastHash`: FNV-1a and a Murmur-style mix,
 * two characters a step. ASCII is lower-cased here (A–Z → a–z) without building a string; other
 * text goes through `toLowerCase()` and then the same steps, so equal lower-cased keys hash alike.
 */
function hashText(text: string, lower: boolean): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const n = text.length;
  for (let i = 0; i < n; i += 2) {
    let c0 = text.charCodeAt(i);
    let c1 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    if (lower) {
      if ((c0 | c1) >= 128) return hashText(text.toLowerCase(), false);
      if (c0 >= 65 && c0 <= 90) c0 += 32;
      if (c1 >= 65 && c1 <= 90) c1 += 32;
    }
    const k = c0 | (c1 << 16);
    a = Math.imul(a ^ k, 0x01000193);
    b = Math.imul(b ^ k, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= n;
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  lastHash[0] = a;
  lastHash[1] = b;
}

/** Hashes `text.toLowerCase()` into `lastHash`. */
export const hashLowerCase = (text: string): void => hashText(text, true);

/** Slot layout: hash high half, hash low half, row + 1 (0: empty), side by side so a probe reads one place. */
const STRIDE = 3;

/** Hash → the rows added with it, queried while adding. */
export class KeyTable {
  private slots = new Int32Array(1024 * STRIDE);
  private capacity = 1024;
  private size = 0;
  /** Slot → every row with that key, for keys seen more than once. */
  private readonly shared = new Map<number, number[]>();

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

  add(h: number, l: number, row: number): void {
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

  /** Every row added with this hash, in the order added. */
  rowsOf(h: number, l: number): number[] {
    const i = this.slot(h, l);
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

/** Rows sharing a key: group g is `rows[start[g]] … rows[start[g + 1] - 1]`, ascending. */
export interface KeyGroups {
  count: number;
  start: Int32Array;
  rows: Int32Array;
}

/** (hash, row) pairs appended in any order, grouped by hash on demand. */
export class KeyLog {
  private hi = new Int32Array(1024);
  private lo = new Int32Array(1024);
  private row = new Int32Array(1024);
  length = 0;

  add(h: number, l: number, row: number): void {
    if (this.length === this.hi.length) {
      const grown = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hi = grown(this.hi);
      this.lo = grown(this.lo);
      this.row = grown(this.row);
    }
    this.hi[this.length] = h;
    this.lo[this.length] = l;
    this.row[this.length] = row;
    this.length++;
  }

  /** Entry `i`: [high, low, row]. */
  entry(i: number): [number, number, number] {
    return [this.hi[i]!, this.lo[i]!, this.row[i]!];
  }

  /**
   * The keys held by more than one row. One pass spreads the entries over buckets by the top bits of
   * the hash (about four a bucket: sequential reads, scattered writes), then each bucket is sorted
   * by (hash, row) in place; equal neighbours are the groups.
   */
  groups(): KeyGroups {
    const n = this.length;
    const { hi, lo, row } = this;
    const bits = Math.min(20, Math.max(8, Math.ceil(Math.log2(Math.max(1, n))) - 2));
    const shift = 32 - bits;
    const buckets = 1 << bits;
    const bucketStart = new Int32Array(buckets + 1);
    for (let i = 0; i < n; i++) bucketStart[(hi[i]! >>> shift) + 1]!++;
    for (let b = 0; b < buckets; b++) bucketStart[b + 1]! += bucketStart[b]!;
    const fill = bucketStart.slice(0, buckets);
    // Entries side by side (high, low, row), so a move or a comparison touches one place.
    const e = new Int32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const at = fill[hi[i]! >>> shift]!++ * 3;
      e[at] = hi[i]!;
      e[at + 1] = lo[i]!;
      e[at + 2] = row[i]!;
    }
    const starts: number[] = [];
    const members: number[] = [];
    for (let b = 0; b < buckets; b++) {
      const s = bucketStart[b]!;
      const end = bucketStart[b + 1]!;
      if (end - s < 2) continue;
      if (end - s <= 32) {
        for (let i = s + 1; i < end; i++) {
          const hh = e[i * 3]!;
          const ll = e[i * 3 + 1]!;
          const rr = e[i * 3 + 2]!;
          let j = i - 1;
          for (; j >= s; j--) {
            const h = e[j * 3]!;
            const l = e[j * 3 + 1]!;
            if (h < hh || (h === hh && (l < ll || (l === ll && e[j * 3 + 2]! <= rr)))) break;
            e[(j + 1) * 3] = h;
            e[(j + 1) * 3 + 1] = l;
            e[(j + 1) * 3 + 2] = e[j * 3 + 2]!;
          }
          e[(j + 1) * 3] = hh;
          e[(j + 1) * 3 + 1] = ll;
          e[(j + 1) * 3 + 2] = rr;
        }
      } else {
        // A big bucket (many rows with one key): a comparison sort, never quadratic.
        const order = Array.from({ length: end - s }, (_, k) => (s + k) * 3);
        order.sort((x, y) => e[x]! - e[y]! || e[x + 1]! - e[y + 1]! || e[x + 2]! - e[y + 2]!);
        const sorted = new Int32Array(order.length * 3);
        order.forEach((from, k) => sorted.set(e.subarray(from, from + 3), k * 3));
        e.set(sorted, s * 3);
      }
      for (let i = s; i < end; ) {
        let j = i + 1;
        while (j < end && e[j * 3] === e[i * 3] && e[j * 3 + 1] === e[i * 3 + 1]) j++;
        if (j - i > 1) {
          starts.push(members.length);
          for (let k = i; k < j; k++) members.push(e[k * 3 + 2]!);
        }
        i = j;
      }
    }
    starts.push(members.length);
    return { count: starts.length - 1, start: Int32Array.from(starts), rows: Int32Array.from(members) };
  }
}
