/** Messages between a shell and the core worker. Only the core's own supervisor speaks this. */
import type { RpcEvent } from '../../shared/api/events';

export interface CoreWorkerData {
  dataDir: string;
  keyHex: string;
  appVersion: string;
  clockOffsetMs?: number;
}

export type ToCore =
  | { type: 'request'; clientId: string; key: number; request: unknown }
  | { type: 'client_closed'; clientId: string }
  /** The shell is about to stop the worker: write what waits to be written (the signed audit head), then answer 'flushed'. */
  | { type: 'flush' };

export type FromCore =
  | { type: 'ready'; deviceId: string }
  | { type: 'fatal'; code: string; message: string }
  /**
   * An answer, serialised once in the worker (issue 12): a string crosses the thread without a
   * structured clone, and the browser host sends it on as it is.
   */
  | { type: 'response'; key: number; json: string }
  | { type: 'event'; clientId: string | null; event: RpcEvent }
  | { type: 'flushed' };
