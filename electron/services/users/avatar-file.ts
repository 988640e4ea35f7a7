import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../../common/errors';

/** A picture larger than this is refused before it is read (the renderer crops it down to a small square). */
export const AVATAR_SOURCE_MAX = 10 * 1024 * 1024;

const kinds: [string, (b: Buffer) => boolean][] = [
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];

/**
 * The picture chosen in the native dialog, as a data: URL the renderer can crop in a canvas: only
 * PNG, JPEG and WebP (by their bytes, not their name), at most 10 MB.
 */
export function readAvatarImage(path: string): string {
  const name = basename(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw new AppError('badFile', { name });
  }
  try {
    const size = fstatSync(fd).size;
    if (size > AVATAR_SOURCE_MAX)
      throw new AppError('badFile', { name, max: AVATAR_SOURCE_MAX }, { key: 'users.avatar.tooLarge' });
    const bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const type = kinds.find(([, test]) => test(bytes))?.[0];
    if (!type) throw new AppError('badFile', { name }, { key: 'users.avatar.notImage' });
    return `data:${type};base64,${bytes.subarray(0, read).toString('base64')}`;
  } finally {
    closeSync(fd);
  }
}
