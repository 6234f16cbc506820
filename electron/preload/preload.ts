/**
 * The only bridge between the sandboxed renderer and the shell: named functions, no ipcRenderer,
 * no event objects handed over.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DeskBridge } from '../../shared/api/bridge';
import type { RpcResult } from '../../shared/api/envelope';

const INVOKE_CHANNEL = 'desk:invoke';
const EVENT_CHANNEL = 'desk:event';

const bridge: DeskBridge = {
  shell: 'electron',
  invoke: (method, input) => ipcRenderer.invoke(INVOKE_CHANNEL, { method, input }) as Promise<RpcResult<unknown>>,
  on: (event, listener) => {
    const relay = (_event: IpcRendererEvent, message: { event: string; payload: unknown }): void => {
      if (message.event === event) listener(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld('desk', bridge);
