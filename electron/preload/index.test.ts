/**
 * The preload itself, run with `electron` mocked (the binary cannot run on the build machines): what
 * it hands to contextBridge is exactly the contract's API, calls go to ipcRenderer.invoke with their
 * channel, and nothing of Electron or Node reaches the page.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, events } from '../../common/contract';

const electron = vi.hoisted(() => ({
  exposed: [] as [string, unknown][],
  ipcRenderer: {
    invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } })),
    on: vi.fn(),
    removeListener: vi.fn(),
    send: vi.fn(),
    sendSync: vi.fn(),
  },
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, value: unknown) => electron.exposed.push([key, value]),
  },
  ipcRenderer: electron.ipcRenderer,
}));

type Api = Record<string, unknown> & { on(event: string, listener: (payload: unknown) => void): () => void };
let api: Api;

beforeAll(async () => {
  await import('./index');
  api = electron.exposed[0]![1] as Api;
});

/** The contract's surface: domain → sorted actions. */
function contractSurface(): Record<string, string[]> {
  const surface: Record<string, string[]> = {};
  for (const name of channelNames) {
    const [domain, action] = name.split('/') as [string, string];
    (surface[domain] ??= []).push(action);
  }
  for (const actions of Object.values(surface)) actions.sort();
  return surface;
}

describe('the preload', () => {
  it('exposes one key, `userdeck`, once', () => {
    expect(electron.exposed.map(([key]) => key)).toEqual(['userdeck']);
  });

  it('exposes exactly the contract: one object per domain with a function per action, and `on`', () => {
    const surface = contractSurface();
    expect(Object.keys(api).sort()).toEqual([...Object.keys(surface), 'on'].sort());
    expect(typeof api.on).toBe('function');
    for (const [domain, actions] of Object.entries(surface)) {
      const object = api[domain] as Record<string, unknown>;
      expect(Object.getPrototypeOf(object), domain).toBe(Object.prototype);
      expect(Object.keys(object).sort(), domain).toEqual(actions);
      for (const action of actions) expect(typeof object[action], `${domain}.${action}`).toBe('function');
    }
  });

  it('hands over nothing of Electron or Node: no ipcRenderer, require, process or stray function', () => {
    const seen = new Set<unknown>();
    const forbidden = new Set<unknown>([
      electron.ipcRenderer,
      ...Object.values(electron.ipcRenderer),
      typeof require === 'undefined' ? undefined : require,
      process,
      globalThis,
    ]);
    forbidden.delete(undefined);
    const walk = (value: unknown, path: string) => {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
      seen.add(value);
      expect(forbidden.has(value), path).toBe(false);
      for (const key of Reflect.ownKeys(value)) {
        if (typeof value === 'function' && ['length', 'name', 'prototype'].includes(String(key))) continue;
        expect(['ipcRenderer', 'require', 'process', 'send', 'sendSync', 'invoke'], `${path}.${String(key)}`).not.toContain(key);
        walk((value as Record<PropertyKey, unknown>)[key], `${path}.${String(key)}`);
      }
    };
    walk(api, 'userdeck');
    // Every function reachable is one of the API's own: the actions of each domain, and `on`.
    const functions = [...seen].filter((value) => typeof value === 'function');
    expect(functions).toHaveLength(channelNames.length + 1);
  });

  it('sends each call to ipcRenderer.invoke with its own channel and the input as given', async () => {
    electron.ipcRenderer.invoke.mockClear();
    const input = { theme: 'dark' };
    await expect((api.settings as Record<string, (i?: unknown) => Promise<unknown>>).update!(input)).resolves.toEqual({
      ok: true,
      value: { channel: 'settings/update', input },
    });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.invoke.mock.calls[0]![1]).toBe(input);

    electron.ipcRenderer.invoke.mockClear();
    for (const name of channelNames) {
      const [domain, action] = name.split('/') as [string, string];
      await (api[domain] as Record<string, (i?: unknown) => Promise<unknown>>)[action]!({ probe: name });
    }
    expect(electron.ipcRenderer.invoke.mock.calls).toEqual(channelNames.map((name) => [name, { probe: name }]));
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
  });

  it('delivers events through `on` with the payload only, and unsubscribes the same listener', () => {
    for (const name of Object.keys(events)) {
      electron.ipcRenderer.on.mockClear();
      electron.ipcRenderer.removeListener.mockClear();
      const received: unknown[][] = [];
      const off = api.on(name, (...args: unknown[]) => received.push(args));
      expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
      const [channel, wrapped] = electron.ipcRenderer.on.mock.calls[0] as unknown as [string, (...a: unknown[]) => void];
      expect(channel).toBe(`event:${name}`);
      // The IpcRendererEvent (its `sender` is ipcRenderer itself) never reaches the page.
      wrapped({ sender: electron.ipcRenderer }, { value: name });
      expect(received).toEqual([[{ value: name }]]);
      off();
      expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(`event:${name}`, wrapped);
    }
  });

  it('ignores a subscription to an event the contract does not declare', () => {
    electron.ipcRenderer.on.mockClear();
    const off = api.on('secrets/leaked', () => {});
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
    expect(typeof off).toBe('function');
    off();
    expect(electron.ipcRenderer.removeListener).not.toHaveBeenCalledWith('event:secrets/leaked', expect.anything());
  });
});
