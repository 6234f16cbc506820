/**
 * The only bridge between the sandboxed renderer and the shell: named functions, no ipcRenderer,
 * no event objects handed over.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DeskBridge } from '../../shared/api/bridge';
import type { RpcResult } from '../../shared/api/envelope';
import { MAX_REQUEST_BYTES, utf8Length } from '../../shared/api/limits';

const INVOKE_CHANNEL = 'desk:invoke';
const EVENT_CHANNEL = 'desk:event';
/** Every call settles: with the answer, or CORE_UNAVAILABLE when none comes within this time. */
const CALL_TIMEOUT_MS = 30_000;

const unavailable = (message: string): RpcResult<unknown> => ({ ok: false, error: { code: 'CORE_UNAVAILABLE', message } });

/** The same rules as the browser host's transport (renderer/src/lib/ws-bridge.ts): size limit and timeout. */
function invoke(method: string, input: unknown): Promise<RpcResult<unknown>> {
  let size: number;
  try {
    size = utf8Length(JSON.stringify({ method, input }));
  } catch {
    return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: 'the input is not JSON data' } });
  }
  if (size > MAX_REQUEST_BYTES) return Promise.resolve({ ok: false, error: { code: 'TOO_LARGE', message: 'the message is over the size limit; it was not sent' } });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(unavailable('the desk did not answer in time')), CALL_TIMEOUT_MS);
    (ipcRenderer.invoke(INVOKE_CHANNEL, { method, input }) as Promise<RpcResult<unknown>>).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      () => {
        clearTimeout(timer);
        resolve(unavailable('cannot reach the desk'));
      },
    );
  });
}

const bridge: DeskBridge = {
  shell: 'electron',
  invoke,
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
