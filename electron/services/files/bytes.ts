import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { FileError } from './errors';

/** Reads up to `size` bytes from the start of a file; `whole` says whether that is the entire file. */
export async function readHead(path: string, size: number): Promise<{ bytes: Buffer; whole: boolean; fileSize: number }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileError('unreadable', code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileError('unreadable', `${path} is not a file`);
    const bytes = Buffer.alloc(Math.min(size, stat.size));
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return { bytes: bytes.subarray(0, bytesRead), whole: bytesRead >= stat.size, fileSize: stat.size };
  } finally {
    await handle.close();
  }
}

/** The file's bytes in chunks, from `start`. */
export async function* readChunks(path: string, start = 0, chunkSize = 1 << 20): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { start, highWaterMark: chunkSize });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}
