/**
 * The browser host's socket, opened by a small script in the page's head (renderer/early/) before
 * the app's bundle has even downloaded, with the two calls every first screen makes already sent on
 * it. The WebSocket bridge takes it over when the bundle runs, and those calls' answers are waiting
 * (issue 12: `npm start` → sign-in painted < 1.5 s; the socket's opening and first round trip were
 * about 100 ms after the bundle had run). Not used under Electron, whose preload is there at once.
 */

import { FIRST_SCREEN_METHODS } from '../../../shared/api/first-screen';

/** The first screen's calls, in this order, with ids from 1 (the bridge's own ids start after them). */
export const EARLY_CALLS: ReadonlyArray<{ id: number; method: string; input: Record<string, never> }> = FIRST_SCREEN_METHODS.map((method, index) => ({ id: index + 1, method, input: {} }));

export interface EarlySocket {
  socket: WebSocket;
  /** Sent as soon as the socket opened. */
  calls: typeof EARLY_CALLS;
  /** Messages that came before the bridge took the socket over, in order. */
  received: string[];
  /** Set by the bridge when it takes the socket over (nothing more is kept in `received`). */
  adopted: boolean;
}

declare global {
  interface Window {
    deskEarlySocket?: EarlySocket;
  }
}

/** The key a call is matched by: its method and its input as JSON. */
export const earlyCallKey = (method: string, input: unknown): string => `${method} ${JSON.stringify(input ?? {})}`;

/** The host's RPC address for this page. */
export const rpcUrl = (): string => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;

/** Send the first screen's calls on `socket` as soon as it opens, keeping what comes back for the bridge. */
export function startEarlySocket(socket: WebSocket): EarlySocket {
  const early: EarlySocket = { socket, calls: EARLY_CALLS, received: [], adopted: false };
  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (!early.adopted && typeof message.data === 'string') early.received.push(message.data);
  });
  socket.addEventListener('open', () => {
    for (const call of early.calls) socket.send(JSON.stringify(call));
  });
  return early;
}

/** Open the page's socket at once (the head script runs this); not under Electron. */
export function openEarlySocket(): void {
  if (window.desk || window.deskEarlySocket) return;
  try {
    window.deskEarlySocket = startEarlySocket(new WebSocket(rpcUrl()));
  } catch {
    // The bridge opens its own.
  }
}
