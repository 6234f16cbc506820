/**
 * The renderer's way to the core. Under Electron the preload provides `window.desk`; in the browser
 * host the same interface is built over one WebSocket to the loopback host (lib/ws-bridge.ts),
 * reconnecting when it drops; its first socket is the one the page's head script opened
 * (lib/early-socket.ts).
 */
import type { DeskBridge } from '../../../shared/api/bridge';
import { rpcUrl } from './early-socket';
import { createWebSocketBridge } from './ws-bridge';

declare global {
  interface Window {
    desk?: DeskBridge;
  }
}

export const bridge: DeskBridge = window.desk ?? createWebSocketBridge({ connect: () => new WebSocket(rpcUrl()), early: window.deskEarlySocket });
