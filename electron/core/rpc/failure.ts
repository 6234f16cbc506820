/** How a handler refuses: throw an RpcFailure; the dispatcher turns it into `{ok:false,error}`. */
import type { ErrorCode, FieldErrors } from '../../../shared/api/envelope';

export class RpcFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly details?: Record<string, number | string>,
  ) {
    super(message);
    this.name = 'RpcFailure';
  }
}
