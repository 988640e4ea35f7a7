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

/** Entries per chunk of a log: appending never copies what is already there. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

/** (hash, row) pairs appended in any order, grouped by hash on demand. */
export class KeyLog {
  /** Chunks of (high, low, row) side by side. */
  private readonly chunks: Int32Array[] = [];
  length = 0;

  add(h: number, l: number, row: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Int32Array(CHUNK * 3));
    const chunk = this.chunks[c]!;
    const at = (this.length & (CHUNK - 1)) * 3;
    chunk[at] = h;
    chunk[at + 1] = l;
    chunk[at + 2] = row;
    this.length++;
  }

  /** Entry `i`: [high, low, row]. */
  entry(i: number): [number, number, number] {
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const at = (i & (CHUNK - 1)) * 3;
    return [chunk[at]!, chunk[at + 1]!, chunk[at + 2]!];
  }

  /**
   * The keys held by more than one row, each group's rows ascending. Sorting by hash in two passes
   * that stay within the CPU's caches: the entries are first spread over 256 regions by the top
   * 8 bits of the hash (256 write positions), then each region (a few thousand entries) is sorted
   * on its own by the next bits; equal neighbours are the groups.
   */
  groups(): KeyGroups {
    const n = this.length;
    const regionStart = new Int32Array(257);
    for (let i = 0; i < n; i++) regionStart[(this.chunks[i >>> CHUNK_BITS]![(i & (CHUNK - 1)) * 3]! >>> 24) + 1]!++;
    let largest = 0;
    for (let r = 0; r < 256; r++) {
      largest = Math.max(largest, regionStart[r + 1]!);
      regionStart[r + 1]! += regionStart[r]!;
    }
    const fill = regionStart.slice(0, 256);
    const e = new Int32Array(n * 3);
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const end = Math.min(CHUNK, n - c * CHUNK) * 3;
      for (let at = 0; at < end; at += 3) {
        const to = fill[chunk[at]! >>> 24]!++ * 3;
        e[to] = chunk[at]!;
        e[to + 1] = chunk[at + 1]!;
        e[to + 2] = chunk[at + 2]!;
      }
    }
    const out: Groups = { starts: [], members: [] };
    const scratch = new Int32Array(largest * 3);
    for (let r = 0; r < 256; r++) groupRegion(e, regionStart[r]!, regionStart[r + 1]!, scratch, out);
    out.starts.push(out.members.length);
    return { count: out.starts.length - 1, start: Int32Array.from(out.starts), rows: Int32Array.from(out.members) };
  }
}

interface Groups {
  starts: number[];
  members: number[];
}

/**
 * Groups entries `from`–`to` of `entries` (high, low, row side by side; all with the same top 8
 * hash bits): spread over buckets by the next bits of the hash (about four a bucket) into
 * `scratch`, each bucket sorted by (hash, row), equal neighbours appended to `out`.
 */
function groupRegion(entries: Int32Array, from: number, to: number, scratch: Int32Array, out: Groups): void {
  const n = to - from;
  if (n < 2) return;
  const bits = Math.min(16, Math.max(1, Math.ceil(Math.log2(n)) - 2));
  const key = (h: number) => ((h << 8) >>> 0) >>> (32 - bits);
  const buckets = 1 << bits;
  const bucketStart = new Int32Array(buckets + 1);
  for (let i = from; i < to; i++) bucketStart[key(entries[i * 3]!) + 1]!++;
  for (let b = 0; b < buckets; b++) bucketStart[b + 1]! += bucketStart[b]!;
  const fill = bucketStart.slice(0, buckets);
  const e = scratch;
  for (let i = from; i < to; i++) {
    const at = fill[key(entries[i * 3]!)]!++ * 3;
    e[at] = entries[i * 3]!;
    e[at + 1] = entries[i * 3 + 1]!;
    e[at + 2] = entries[i * 3 + 2]!;
  }
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
      order.forEach((at, k) => sorted.set(e.subarray(at, at + 3), k * 3));
      e.set(sorted, s * 3);
    }
    for (let i = s; i < end;) {
      let j = i + 1;
      while (j < end && e[j * 3] === e[i * 3] && e[j * 3 + 1] === e[i * 3 + 1]) j++;
      if (j - i > 1) {
        out.starts.push(out.members.length);
        for (let k = i; k < j; k++) out.members.push(e[k * 3 + 2]!);
      }
      i = j;
    }
  }
}
