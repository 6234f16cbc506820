/** Messages between a shell and the core worker. Only the core's own supervisor speaks this. */
import type { RpcResponse } from '../../shared/api/envelope';
import type { RpcEvent } from '../../shared/api/events';

export interface CoreWorkerData {
  dataDir: string;
  keyHex: string;
  appVersion: string;
  clockOffsetMs?: number;
}

export type ToCore = { type: 'request'; clientId: string; key: number; request: unknown } | { type: 'client_closed'; clientId: string };

export type FromCore =
  | { type: 'ready'; deviceId: string }
  | { type: 'fatal'; code: string; message: string }
  | { type: 'response'; key: number; response: RpcResponse }
  | { type: 'event'; clientId: string | null; event: RpcEvent };
