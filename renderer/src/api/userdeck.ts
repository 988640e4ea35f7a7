/**
 * The renderer's only way to main: `window.userdeck`, with its Result envelopes unwrapped into
 * values or thrown `UserdeckError`s that carry the typed error data.
 */
import type { AppErrorData, Result } from '../../../common/errors';

export class UserdeckError extends Error {
  constructor(readonly data: AppErrorData) {
    super(data.code);
    this.name = 'UserdeckError';
  }
}

export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const result = await call;
  if (result.ok) return result.value;
  throw new UserdeckError(result.error);
}

export function userdeck(): Window['userdeck'] {
  return window.userdeck;
}

/** Turns anything thrown into typed error data for the snackbar. */
export function toErrorData(error: unknown): AppErrorData {
  if (error instanceof UserdeckError) return error.data;
  return { code: 'internal', key: 'errors.internal', params: {} };
}
