import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A file written through a temporary sibling and renamed into place on `commit`, so a crash,
 * a cancel or an error never leaves half a file where the admin asked for one.
 */
export class AtomicFile {
  readonly tmpPath: string;
  readonly stream: WriteStream;

  private constructor(
    readonly path: string,
    tmpPath: string,
  ) {
    this.tmpPath = tmpPath;
    this.stream = createWriteStream(tmpPath, { mode: 0o644 });
  }

  static async create(path: string): Promise<AtomicFile> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
    const file = new AtomicFile(path, tmp);
    await new Promise<void>((resolve, reject) => {
      file.stream.once('open', () => resolve());
      file.stream.once('error', reject);
    });
    return file;
  }

  /** Writes with backpressure. */
  async write(chunk: string | Buffer): Promise<void> {
    if (!this.stream.write(chunk))
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolve();
        });
      });
  }

  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await rename(this.tmpPath, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmpPath, { force: true });
  }
}
