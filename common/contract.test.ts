import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApi } from './contract-kit';
import { channelNames, contract, events, type Contract, type Events } from './contract';

describe('the IPC contract', () => {
  it('names every channel domain/action', () => {
    for (const name of channelNames) expect(name).toMatch(/^[a-z]+\/[a-z][A-Za-z]*$/);
    for (const name of Object.keys(events)) expect(name).toMatch(/^[a-z]+\/[a-z][A-Za-z]*$/);
  });

  // Any new or changed call shows up here in review: update with `npx vitest -u` deliberately.
  it('exposes exactly this window.userdeck surface', () => {
    const calls: string[] = [];
    const api = buildApi<Contract, Events>(
      channelNames,
      async (channel) => calls.push(channel),
      () => () => {},
    );
    const surface = Object.fromEntries(
      Object.entries(api)
        .filter(([, value]) => typeof value === 'object')
        .map(([domain, actions]) => [domain, Object.keys(actions as object).sort()])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    const inputs = Object.fromEntries(
      channelNames.map((name) => [name, z.toJSONSchema(contract[name].input, { unrepresentable: 'any' })]),
    );
    expect({ surface, events: Object.keys(events).sort(), inputs }).toMatchSnapshot();
  });

  it('routes each API function to its own channel', async () => {
    const calls: [string, unknown][] = [];
    const api = buildApi<Contract, Events>(
      channelNames,
      async (channel, input) => {
        calls.push([channel, input]);
        return { ok: true, value: null };
      },
      () => () => {},
    );
    await api.settings.update({ theme: 'dark' });
    await api.app.info();
    expect(calls).toEqual([
      ['settings/update', { theme: 'dark' }],
      ['app/info', undefined],
    ]);
  });

  it('rejects bad input for every sample of a bad call', () => {
    expect(contract['settings/update'].input.safeParse({ theme: 'purple' }).success).toBe(false);
    expect(contract['settings/update'].input.safeParse({ locale: 'de' }).success).toBe(false);
    expect(contract['settings/update'].input.safeParse({ unknown: true }).success).toBe(false);
    expect(contract['settings/update'].input.safeParse('dark').success).toBe(false);
    expect(contract['app/info'].input.safeParse({ anything: 1 }).success).toBe(false);
    expect(contract['dialogs/openFile'].input.safeParse({ kind: '/etc/passwd' }).success).toBe(false);
    expect(contract['dialogs/openFile'].input.safeParse({ kind: 'import', path: '/etc/passwd' }).success).toBe(false);
    expect(contract['settings/update'].input.safeParse({ theme: 'dark', locale: null }).success).toBe(true);
  });
});
