import { AppError } from '../../common/errors';

/** The typed error a call fails with; any other outcome (success, an untyped error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
