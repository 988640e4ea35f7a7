/**
 * The zip container of an XLSX, read with yauzl from its central directory. Refuses zip bombs
 * before inflating anything: too many entries, an absurd unpacked size or compression ratio. yauzl
 * then checks every inflated entry against its declared size, so a lying header fails too.
 */
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { FileError } from '../errors';

export const zipLimits = {
  maxEntries: 10_000,
  /** Unpacked size of the whole archive. */
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntryBytes: 1024 ** 3,
  /** A ratio above this, on an entry bigger than `ratioFloorBytes`, is a bomb. */
  maxRatio: 200,
  ratioFloorBytes: 16 * 1024 ** 2,
};

const corrupt = (detail: string) => new FileError('corruptXlsx', `the XLSX file is damaged or not an XLSX file (${detail})`);

export class XlsxZip {
  private constructor(
    private readonly zip: ZipFile,
    readonly entries: Map<string, Entry>,
  ) {}

  static async open(path: string): Promise<XlsxZip> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, file) =>
        error || !file ? reject(corrupt(error?.message ?? 'unreadable')) : resolve(file),
      ),
    );
    if (zip.entryCount > zipLimits.maxEntries) {
      zip.close();
      throw new FileError('zipBomb', `the XLSX file holds ${zip.entryCount} parts; more than ${zipLimits.maxEntries} is refused`);
    }
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: Entry) => {
          total += entry.uncompressedSize;
          const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
          if (
            total > zipLimits.maxTotalBytes ||
            entry.uncompressedSize > zipLimits.maxEntryBytes ||
            (entry.uncompressedSize > zipLimits.ratioFloorBytes && ratio > zipLimits.maxRatio)
          ) {
            reject(
              new FileError(
                'zipBomb',
                `the XLSX file unpacks to an absurd size (${Math.round(total / 1024 ** 2).toLocaleString('en-US')} MB or more, ratio ${Math.round(ratio)}:1): refused as a zip bomb`,
              ),
            );
            return;
          }
          entries.set(entry.fileName.replace(/^\/+/, ''), entry);
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.on('error', (error: Error) => reject(corrupt(error.message)));
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw error;
    }
    return new XlsxZip(zip, entries);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  async stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) throw corrupt(`missing ${name}`);
    return new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, stream) =>
        error || !stream ? reject(corrupt(error?.message ?? name)) : resolve(stream),
      ),
    );
  }

  /** A whole (small) part as text. */
  async text(name: string): Promise<string> {
    const stream = await this.stream(name);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw corrupt((error as Error).message);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}
