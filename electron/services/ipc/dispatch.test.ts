import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { createLogger } from '../log/logger';
import { createDispatcher } from './dispatch';
import type { Handlers } from './handlers';

function setup(overrides: Partial<Handlers> = {}) {
  const lines: string[] = [];
  const logger = createLogger((level, line) => lines.push(`${level} ${line}`));
  const handlers = {
    'app/info': () => ({ name: 'Userdeck', version: '1', platform: 'linux', mode: 'bridge', systemLocale: 'en' }),
    'settings/get': () => ({ theme: 'system', locale: null, drawerRail: false }),
    'settings/update': (patch) => ({ theme: 'system', locale: null, drawerRail: false, ...patch }),
    'dialogs/openFile': () => null,
    ...overrides,
  } as Handlers;
  return { dispatch: createDispatcher(handlers, logger), lines };
}

describe('dispatch', () => {
  it('runs the handler with the parsed input', async () => {
    const { dispatch } = setup();
    expect(await dispatch('settings/update', { theme: 'dark' }, { via: 'test' })).toEqual({
      ok: true,
      value: { theme: 'dark', locale: null, drawerRail: false },
    });
  });

  it('refuses invalid input with a typed error naming the field', async () => {
    const { dispatch } = setup();
    const result = await dispatch('settings/update', { theme: 'purple' }, { via: 'test' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalidInput',
        key: 'errors.invalidInput',
        params: { channel: 'settings/update', field: 'theme' },
        issues: [{ path: 'theme', key: 'validation.invalid_value', params: {} }],
      },
    });
  });

  it('refuses unknown channels, including prototype names', async () => {
    const { dispatch } = setup();
    for (const channel of ['users/hack', '__proto__', 'constructor', 'toString']) {
      const result = await dispatch(channel, {}, { via: 'test' });
      expect(result).toMatchObject({ ok: false, error: { code: 'unknownChannel' } });
    }
  });

  it('passes typed errors through and hides unexpected ones', async () => {
    const typed = setup({
      'dialogs/openFile': () => {
        throw new AppError('badFile', { name: 'a.csv' });
      },
    });
    expect(await typed.dispatch('dialogs/openFile', { kind: 'import' }, { via: 'test' })).toEqual({
      ok: false,
      error: { code: 'badFile', key: 'errors.badFile', params: { name: 'a.csv' } },
    });

    const broken = setup({
      'app/info': () => {
        throw new Error('database password=hunter2 at /secret/path');
      },
    });
    const result = await broken.dispatch('app/info', undefined, { via: 'test' });
    expect(result).toEqual({ ok: false, error: { code: 'internal', key: 'errors.internal', params: { channel: 'app/info' } } });
    expect(JSON.stringify(result)).not.toContain('hunter2');
    expect(broken.lines.join('\n')).toContain('handler failed');
  });
});
