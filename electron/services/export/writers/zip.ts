/**
 * A small streaming ZIP writer (for our XLSX): each entry is deflated with node:zlib as it is
 * written, its local header followed by the data and a data descriptor (the CRC-32 and sizes are
 * known only at the end), then the central directory. ZIP64 records are added only where a size,
 * offset or count needs them, as Go's archive/zip does. Nothing is held beyond zlib's buffers.
 */
import { once } from 'node:events';
import { crc32, createDeflateRaw, deflateRawSync, type DeflateRaw } from 'node:zlib';

/** Where the archive's bytes go; `write` resolves when more may be written (backpressure). */
export interface ZipSink {
  write(chunk: Buffer): Promise<void>;
}

interface CentralEntry {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  descriptor: boolean;
}

const MAX32 = 0xffffffff;
/** A 4-byte field holding `value`, or 0xFFFFFFFF when the value lives in the ZIP64 record. */
const field32 = (value: number) => (value >= MAX32 ? 0xffffffff : value);
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const DEFLATE = 8;

/** MS-DOS time and date of `at` (local time, as zip tools show it). */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getFullYear());
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}

export interface ZipEntryWriter {
  /** Adds data to the entry; resolves when zlib and the sink can take more. */
  write(data: Buffer): Promise<void>;
  /** Finishes the entry (flushes zlib, writes the data descriptor). */
  end(): Promise<void>;
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly stamp = dosDateTime(new Date());
  private open: DeflateRaw | null = null;

  constructor(
    private readonly sink: ZipSink,
    private readonly level = 6,
  ) {}

  private async out(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    await this.sink.write(chunk);
  }

  private localHeader(name: Buffer, flags: number, crc: number, compressed: number, size: number): Buffer {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(compressed, 18);
    header.writeUInt32LE(size, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    return Buffer.concat([header, name]);
  }

  /** A small entry, deflated at once (sizes in its local header). */
  async add(name: string, data: string | Buffer): Promise<void> {
    if (this.open) throw new Error('a zip entry is still being written');
    const raw = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const compressed = deflateRawSync(raw, { level: this.level });
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(raw);
    if (raw.length >= MAX32 || compressed.length >= MAX32) throw new Error(`zip entry ${name} is too big to add at once`);
    const entry: CentralEntry = {
      name: nameBytes,
      crc,
      compressed: compressed.length,
      size: raw.length,
      offset: this.offset,
      descriptor: false,
    };
    await this.out(this.localHeader(nameBytes, FLAG_UTF8, crc, compressed.length, raw.length));
    await this.out(compressed);
    this.entries.push(entry);
  }

  /** A streamed entry of unknown size: write its data, then `end()` it before the next entry. */
  async stream(name: string): Promise<ZipEntryWriter> {
    if (this.open) throw new Error('a zip entry is still being written');
    const nameBytes = Buffer.from(name, 'utf8');
    const entry: CentralEntry = { name: nameBytes, crc: 0, compressed: 0, size: 0, offset: this.offset, descriptor: true };
    await this.out(this.localHeader(nameBytes, FLAG_DESCRIPTOR | FLAG_UTF8, 0, 0, 0));
    // 64 KB output chunks: a quarter of the round trips to the zlib thread of the default 16 KB.
    const deflate = createDeflateRaw({ level: this.level, chunkSize: 64 * 1024 });
    this.open = deflate;
    // Compressed bytes go to the sink as zlib makes them; the sink's backpressure stops this loop,
    // zlib's buffers fill, and `write` below waits for 'drain'.
    const pump = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        entry.compressed += chunk.length;
        await this.out(chunk);
      }
    })();
    // A failed pump (the sink failed) must not leave a writer waiting for 'drain' forever.
    const failed = pump.then(
      () => new Promise<never>(() => {}),
      (error: unknown) => Promise.reject(error instanceof Error ? error : new Error(String(error))),
    );
    failed.catch(() => {});
    return {
      write: async (data) => {
        entry.crc = crc32(data, entry.crc);
        entry.size += data.length;
        if (!deflate.write(data)) await Promise.race([once(deflate, 'drain'), failed]);
      },
      end: async () => {
        deflate.end();
        await pump;
        this.open = null;
        const zip64 = entry.size >= MAX32 || entry.compressed >= MAX32;
        const descriptor = Buffer.alloc(zip64 ? 24 : 16);
        descriptor.writeUInt32LE(0x08074b50, 0);
        descriptor.writeUInt32LE(entry.crc, 4);
        if (zip64) {
          descriptor.writeBigUInt64LE(BigInt(entry.compressed), 8);
          descriptor.writeBigUInt64LE(BigInt(entry.size), 16);
        } else {
          descriptor.writeUInt32LE(entry.compressed, 8);
          descriptor.writeUInt32LE(entry.size, 12);
        }
        await this.out(descriptor);
        this.entries.push(entry);
      },
    };
  }

  /** Stops an entry being streamed (on abort). */
  destroy(): void {
    this.open?.destroy();
    this.open = null;
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    if (this.open) throw new Error('a zip entry is still being written');
    const start = this.offset;
    const records: Buffer[] = [];
    for (const e of this.entries) {
      // ZIP64 extra field: the 8-byte values whose 4-byte slots hold 0xFFFFFFFF, in this order.
      const big: bigint[] = [];
      if (e.size >= MAX32) big.push(BigInt(e.size));
      if (e.compressed >= MAX32) big.push(BigInt(e.compressed));
      if (e.offset >= MAX32) big.push(BigInt(e.offset));
      const extra = Buffer.alloc(big.length ? 4 + 8 * big.length : 0);
      if (big.length) {
        extra.writeUInt16LE(0x0001, 0);
        extra.writeUInt16LE(8 * big.length, 2);
        big.forEach((v, i) => extra.writeBigUInt64LE(v, 4 + 8 * i));
      }
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(big.length ? 45 : 20, 4); // version made by (MS-DOS attributes)
      record.writeUInt16LE(big.length ? 45 : 20, 6); // version needed (4.5: ZIP64)
      record.writeUInt16LE((e.descriptor ? FLAG_DESCRIPTOR : 0) | FLAG_UTF8, 8);
      record.writeUInt16LE(DEFLATE, 10);
      record.writeUInt16LE(this.stamp.time, 12);
      record.writeUInt16LE(this.stamp.date, 14);
      record.writeUInt32LE(e.crc, 16);
      record.writeUInt32LE(field32(e.compressed), 20);
      record.writeUInt32LE(field32(e.size), 24);
      record.writeUInt16LE(e.name.length, 28);
      record.writeUInt16LE(extra.length, 30);
      // comment length, disk number, internal and external attributes: 0
      record.writeUInt32LE(field32(e.offset), 42);
      records.push(record, e.name, extra);
    }
    const directory = Buffer.concat(records);
    await this.out(directory);
    const count = this.entries.length;
    const size = directory.length;
    if (count >= 0xffff || size >= MAX32 || start >= MAX32) {
      const end64At = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(0x06064b50, 0);
      end64.writeBigUInt64LE(44n, 4); // size of the rest of this record
      end64.writeUInt16LE(45, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(size), 40);
      end64.writeBigUInt64LE(BigInt(start), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(end64At), 8);
      locator.writeUInt32LE(1, 16); // total number of disks
      await this.out(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(field32(size), 12);
    end.writeUInt32LE(field32(start), 16);
    await this.out(end);
  }
}
