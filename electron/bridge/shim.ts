/**
 * The browser bridge's stand-in for the preload: gives the page the same `window.userdeck`, built
 * from the same contract, over loopback HTTP with the per-run token. Bundled as one IIFE by the
 * bridge at start.
 */
import { buildApi } from '../../common/contract-kit';
import { channelNames, type Contract, type Events } from '../../common/contract';

const TOKEN_KEY = 'userdeck.bridgeToken';
const params = new URLSearchParams(location.search);
const fromUrl = params.get('bridgeToken');
if (fromUrl) {
  sessionStorage.setItem(TOKEN_KEY, fromUrl);
  params.delete('bridgeToken');
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}
const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
const headers = { 'content-type': 'application/json', 'x-userdeck-token': token };

async function invoke(channel: string, input: unknown): Promise<unknown> {
  try {
    const response = await fetch(`/__userdeck/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input === undefined ? {} : { input }),
    });
    return await response.json();
  } catch {
    return { ok: false, error: { code: 'unreachable', key: 'errors.bridgeUnreachable', params: {} } };
  }
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
let streaming = false;

async function stream(): Promise<void> {
  streaming = true;
  for (;;) {
    try {
      const response = await fetch('/__userdeck/events', { headers });
      if (!response.body) throw new Error('no body');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (!line) continue;
          const { event, payload } = JSON.parse(line) as { event: string; payload: unknown };
          for (const listener of listeners.get(event) ?? []) listener(payload);
        }
      }
    } catch {
      // The bridge went away or restarted: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function subscribe(event: string, listener: (payload: unknown) => void): () => void {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event)!.add(listener);
  if (!streaming) void stream();
  return () => listeners.get(event)?.delete(listener);
}

const api = buildApi<Contract, Events>(channelNames, invoke, subscribe);
for (const domain of Object.values(api)) if (typeof domain === 'object') Object.freeze(domain);
Object.defineProperty(window, 'userdeck', {
  value: Object.freeze(api),
  writable: false,
  configurable: false,
});
