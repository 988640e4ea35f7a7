import { AppError } from '../../../common/errors';

/**
 * A file that cannot be read as a user list: carries one clear English sentence (the CLI prints it
 * as is) and a reason code the UI can translate (`errors.file.<reason>`).
 */
export class FileError extends AppError {
  constructor(
    readonly reason: string,
    readonly text: string,
  ) {
    super('badFile', { reason, message: text }, { key: `errors.file.${reason}` });
    this.message = text;
    this.name = 'FileError';
  }
}

export const isFileError = (error: unknown): error is FileError => error instanceof FileError;

/** A file with more columns than this is refused as not a user list (DESIGN.md §7). */
export const maxColumns = 1000;

export function tooManyColumns(count: number, where: string): FileError {
  return new FileError(
    'tooManyColumns',
    `${where} has ${count.toLocaleString('en-US')} columns; more than ${maxColumns.toLocaleString('en-US')} is not a user list`,
  );
}
