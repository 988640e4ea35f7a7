/** The preload: builds `window.userdeck` from the contract and exposes it. No logic of its own. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from '../../common/contract-kit';
import { channelNames, events, type Contract, type Events } from '../../common/contract';

const eventNames = new Set(Object.keys(events));

const api = buildApi<Contract, Events>(
  channelNames,
  (channel, input) => ipcRenderer.invoke(channel, input),
  (event, listener) => {
    if (!eventNames.has(event)) return () => {};
    const wrapped = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(`event:${event}`, wrapped);
    return () => ipcRenderer.removeListener(`event:${event}`, wrapped);
  },
);

contextBridge.exposeInMainWorld('userdeck', api);
