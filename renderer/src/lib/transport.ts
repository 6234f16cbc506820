/**
 * The renderer's way to the core. Under Electron the preload provides `window.desk`; in the browser
 * host the same interface is built over one WebSocket to the loopback host (lib/ws-bridge.ts),
 * reconnecting when it drops.
 */
import type { DeskBridge } from '../../../shared/api/bridge';
import { createWebSocketBridge } from './ws-bridge';

declare global {
  interface Window {
    desk?: DeskBridge;
  }
}

export const bridge: DeskBridge =
  window.desk ?? createWebSocketBridge({ connect: () => new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`) });
