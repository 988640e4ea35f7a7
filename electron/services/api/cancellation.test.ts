import { describe, expect, it } from 'vitest';
import { CancellationRegistry } from './cancellation';

describe('cancellation of long calls', () => {
  it('aborts the call running under a request id, and only that one', async () => {
    const registry = new CancellationRegistry();
    const waitForAbort = (signal: AbortSignal | undefined) =>
      new Promise<string>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason));
        setTimeout(() => resolve('finished'), 200);
      });
    const a = registry.run('a', waitForAbort);
    const b = registry.run('b', waitForAbort);
    expect(registry.cancel('a')).toBe(true);
    await expect(a).rejects.toMatchObject({ code: 'cancelled' });
    await expect(b).resolves.toBe('finished');
    // Finished calls are forgotten; unknown ids are no-ops.
    expect(registry.cancel('b')).toBe(false);
    expect(registry.cancel('never')).toBe(false);
  });

  it('refuses a request id already in use, and runs id-less calls without a signal', async () => {
    const registry = new CancellationRegistry();
    const slow = registry.run('same', () => new Promise((resolve) => setTimeout(resolve, 50)));
    await expect(registry.run('same', async () => 1)).rejects.toMatchObject({
      code: 'invalidInput',
      params: { field: 'requestId' },
    });
    await slow;
    await expect(registry.run(undefined, async (signal) => signal)).resolves.toBeUndefined();
  });

  it('cancels everything on shutdown', async () => {
    const registry = new CancellationRegistry();
    const call = registry.run(
      'x',
      (signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    );
    registry.cancelAll();
    await expect(call).rejects.toMatchObject({ code: 'cancelled' });
  });
});
