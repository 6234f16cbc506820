/**
 * The DeskBridge over one WebSocket to the browser host. Every call settles: with the core's
 * answer, with TOO_LARGE when the message is over the host's limit (refused here, before sending,
 * so the connection and what was typed both stay), or with CORE_UNAVAILABLE when the connection
 * closes or no answer comes within the timeout. The socket is opened again on the next call.
 */
import type { DeskBridge } from '../../../shared/api/bridge';
import type { RpcResult } from '../../../shared/api/envelope';
import { MAX_REQUEST_BYTES, utf8Length } from '../../../shared/api/limits';
import { earlyCallKey, type EarlySocket } from './early-socket';

type Listener = (payload: unknown) => void;

/** Close code the host sends when a frame was too big (RFC 6455). */
const CLOSE_TOO_BIG = 1009;

export interface WebSocketBridgeOptions {
  /** Opens a new socket to the host's `/rpc`. */
  connect: () => WebSocket;
  /** How long a call may wait for its answer before it settles with CORE_UNAVAILABLE. */
  timeoutMs?: number;
  /** Messages larger than this (UTF-8 bytes) are refused with TOO_LARGE without being sent. */
  maxMessageBytes?: number;
  /** Timer for call timeouts; returns a cancel function (tests fire it themselves). */
  setTimer?: (fire: () => void, ms: number) => () => void;
  /**
   * A socket the page's head script opened with the first screen's calls already sent
   * (lib/early-socket.ts): taken over as the first connection, and those calls' answers are given to
   * the first `invoke` of the same method and input.
   */
  early?: EarlySocket | undefined;
}

const defaultTimer = (fire: () => void, ms: number): (() => void) => {
  const handle = setTimeout(fire, ms);
  return () => clearTimeout(handle);
};

const tooLarge = (): RpcResult<unknown> => ({ ok: false, error: { code: 'TOO_LARGE', message: 'the message is over the size limit; it was not sent' } });
const unavailable = (message: string): RpcResult<unknown> => ({ ok: false, error: { code: 'CORE_UNAVAILABLE', message } });

export function createWebSocketBridge(options: WebSocketBridgeOptions): DeskBridge {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxMessageBytes ?? MAX_REQUEST_BYTES;
  const setTimer = options.setTimer ?? defaultTimer;
  let socket: WebSocket | undefined;
  let opening: Promise<WebSocket> | undefined;
  let nextId = 1;
  const waiting = new Map<number, (result: RpcResult<unknown>) => void>();
  const listeners = new Map<string, Set<Listener>>();

  const emitLocal = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  const settleAll = (result: RpcResult<unknown>): void => {
    for (const settle of [...waiting.values()]) settle(result);
  };

  const handleMessage = (text: string): void => {
    let data: { type?: unknown; id?: unknown; result?: RpcResult<unknown>; event?: unknown; payload?: unknown };
    try {
      data = JSON.parse(text) as typeof data;
    } catch {
      return;
    }
    if (data.type === 'response' && typeof data.id === 'number' && data.result) {
      waiting.get(data.id)?.(data.result);
    } else if (data.type === 'event' && typeof data.event === 'string') {
      emitLocal(data.event, data.payload);
    }
  };

  /** Wire a socket in; the promise settles when it is open. */
  const attach = (ws: WebSocket): Promise<WebSocket> => {
    const wired = new Promise<WebSocket>((resolve, reject) => {
      ws.onopen = () => {
        socket = ws;
        if (opening === wired) opening = undefined;
        resolve(ws);
      };
      ws.onerror = () => {
        if (opening === wired) opening = undefined;
        reject(new Error('connection failed'));
      };
    });
    ws.onclose = (event: CloseEvent) => {
      if (socket === ws) socket = undefined;
      if (opening === wired) opening = undefined;
      settleAll(event.code === CLOSE_TOO_BIG ? tooLarge() : unavailable('connection to the desk closed'));
      emitLocal('transport.closed', { code: event.code });
    };
    ws.onmessage = (message: MessageEvent<string>) => handleMessage(message.data);
    return wired;
  };

  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === socket.OPEN) return Promise.resolve(socket);
    opening ??= attach(options.connect());
    return opening;
  };

  /** Answers of the early socket's calls, each given once to the first matching `invoke`. */
  const early = new Map<string, Promise<RpcResult<unknown>>>();
  const awaitAnswer = (id: number): Promise<RpcResult<unknown>> =>
    new Promise((resolve) => {
      const cancel = setTimer(() => settle(unavailable('the desk did not answer in time')), timeoutMs);
      const settle = (result: RpcResult<unknown>): void => {
        if (waiting.get(id) !== settle) return;
        waiting.delete(id);
        cancel();
        resolve(result);
      };
      waiting.set(id, settle);
    });
  const taken = options.early;
  if (taken && !taken.adopted && (taken.socket.readyState === taken.socket.CONNECTING || taken.socket.readyState === taken.socket.OPEN)) {
    for (const call of taken.calls) {
      early.set(earlyCallKey(call.method, call.input), awaitAnswer(call.id));
      nextId = Math.max(nextId, call.id + 1);
    }
    if (taken.socket.readyState === taken.socket.OPEN) {
      socket = taken.socket;
      void attach(taken.socket).catch(() => undefined);
    } else {
      opening = attach(taken.socket);
      opening.catch(() => undefined);
    }
    for (const text of taken.received.splice(0)) handleMessage(text);
    taken.adopted = true;
  }

  return {
    shell: 'browser',
    invoke: async (method, input) => {
      const key = earlyCallKey(method, input);
      const answered = early.get(key);
      if (answered) {
        early.delete(key);
        return answered;
      }
      const id = nextId++;
      let text: string;
      try {
        text = JSON.stringify({ id, method, input });
      } catch {
        return { ok: false, error: { code: 'BAD_REQUEST', message: 'the input is not JSON data' } };
      }
      if (utf8Length(text) > maxBytes) return tooLarge();
      let ws: WebSocket;
      try {
        ws = await open();
      } catch {
        return unavailable('cannot reach the desk');
      }
      const answer = awaitAnswer(id);
      try {
        ws.send(text);
      } catch {
        waiting.get(id)?.(unavailable('cannot reach the desk'));
      }
      return answer;
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
