import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { statSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import type { PickedFile } from '../../../common/contract';

/**
 * Paths picked in native dialogs, known to the renderer only by an opaque handle valid for this
 * run. The renderer can never name a path of its own choosing.
 */
export class FileHandles {
  private readonly paths = new Map<string, string>();

  register(path: string): PickedFile {
    let size: number;
    try {
      const stat = statSync(path);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      throw new AppError('badFile', { name: basename(path) });
    }
    const handle = randomUUID();
    this.paths.set(handle, path);
    return { handle, name: basename(path), size };
  }

  registerForWrite(path: string): string {
    const handle = randomUUID();
    this.paths.set(handle, path);
    return handle;
  }

  resolve(handle: string): string {
    const path = this.paths.get(handle);
    if (!path) throw new AppError('notFound', { what: 'file' });
    return path;
  }
}
