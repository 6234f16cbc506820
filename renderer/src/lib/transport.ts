/**
 * The renderer's way to the core. Under Electron the preload provides `window.desk`; in the browser
 * host the same interface is built over one WebSocket to the loopback host, reconnecting when it drops.
 */
import type { DeskBridge } from '../../../shared/api/bridge';
import type { RpcResult } from '../../../shared/api/envelope';

declare global {
  interface Window {
    desk?: DeskBridge;
  }
}

type Listener = (payload: unknown) => void;

function webSocketBridge(): DeskBridge {
  let socket: WebSocket | undefined;
  let opening: Promise<WebSocket> | undefined;
  let nextId = 1;
  const waiting = new Map<number, (result: RpcResult<unknown>) => void>();
  const listeners = new Map<string, Set<Listener>>();

  const emitLocal = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`);
      ws.onopen = () => {
        socket = ws;
        opening = undefined;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = undefined;
        reject(new Error('connection failed'));
      };
      ws.onclose = () => {
        socket = undefined;
        for (const [id, resolveCall] of waiting) {
          resolveCall({ ok: false, error: { code: 'CORE_UNAVAILABLE', message: 'connection to the desk closed' } });
          waiting.delete(id);
        }
        emitLocal('transport.closed', {});
      };
      ws.onmessage = (message: MessageEvent<string>) => {
        const data = JSON.parse(message.data) as { type: string; id?: number; result?: RpcResult<unknown>; event?: string; payload?: unknown };
        if (data.type === 'response' && typeof data.id === 'number' && data.result) {
          waiting.get(data.id)?.(data.result);
          waiting.delete(data.id);
        } else if (data.type === 'event' && typeof data.event === 'string') {
          emitLocal(data.event, data.payload);
        }
      };
    });
    return opening;
  };

  return {
    shell: 'browser',
    invoke: async (method, input) => {
      let ws: WebSocket;
      try {
        ws = await open();
      } catch {
        return { ok: false, error: { code: 'CORE_UNAVAILABLE', message: 'cannot reach the desk' } };
      }
      return new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    on: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      void open().catch(() => undefined); // events need the socket even before the first call
      return () => set.delete(listener);
    },
  };
}

export const bridge: DeskBridge = window.desk ?? webSocketBridge();
