/** What the preload (Electron) or the WebSocket transport (browser host) gives the renderer. */
import type { RpcResult } from './envelope';

export interface DeskBridge {
  readonly shell: 'electron' | 'browser';
  invoke(method: string, input: unknown): Promise<RpcResult<unknown>>;
  /** Subscribe to core events; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}
