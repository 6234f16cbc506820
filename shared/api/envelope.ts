/**
 * The shape of everything that crosses a process boundary: requests, results and events.
 * Errors travel as codes (never stack traces) because `instanceof` does not survive the trip.
 * No zod here: the browser host reads this file too, and loading zod there took about 25 ms of
 * every start (issue 12); the request schema and zod's issues are in request-schema.ts.
 */
import { MAX_REQUEST_BYTES, MAX_REQUEST_DEPTH, utf8Length } from './limits';

export { MAX_REQUEST_BYTES, MAX_REQUEST_DEPTH, utf8Length } from './limits';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHENTICATED',
  'LOCKED',
  'FORBIDDEN',
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'SETUP_REQUIRED',
  'ALREADY_SET_UP',
  'CORE_UNAVAILABLE',
  'CORE_RESTARTED',
  'DISK_FULL',
  'DATABASE_BUSY',
  'DATABASE_DAMAGED',
  'DATABASE_UNAVAILABLE',
  'INTERNAL',
  'TOO_LARGE',
  /** Sync with the central server failed; `details.problem` says why (a SYNC_PROBLEMS value). */
  'SYNC_FAILED',
  /** The account's password was set by a manager: only changing it (or signing out) is allowed until then. */
  'PASSWORD_CHANGE_REQUIRED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Field name → message code (a key under `fieldError.` in the catalogs). */
export type FieldErrors = Record<string, string>;

export interface RpcError {
  code: ErrorCode;
  message: string;
  fields?: FieldErrors;
  /** Extra facts the UI may show, e.g. `{ retryAfterMs }` for ACCOUNT_LOCKED. */
  details?: Record<string, number | string>;
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

export interface RpcResponse {
  id: number;
  result: RpcResult<unknown>;
}

export function fail(code: ErrorCode, message: string, extra?: Pick<RpcError, 'fields' | 'details'>): { ok: false; error: RpcError } {
  return { ok: false, error: { code, message, ...extra } };
}

/** The request's own id when one can be read from it (so an error reaches the right caller), else -1. */
export function requestIdOf(request: unknown): number {
  if (typeof request !== 'object' || request === null || Array.isArray(request) || !Object.hasOwn(request, 'id')) return -1;
  const id = (request as { id: unknown }).id;
  return typeof id === 'number' && Number.isFinite(id) ? id : -1;
}

/** The method a request names, when it names one as a string; else undefined. */
export function requestMethodOf(request: unknown): string | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request) || !Object.hasOwn(request, 'method')) return undefined;
  const method = (request as { method: unknown }).method;
  return typeof method === 'string' ? method : undefined;
}

/**
 * Check that a request is plain JSON data no deeper than MAX_REQUEST_DEPTH (the request object
 * itself is depth 1) and no larger than about MAX_REQUEST_BYTES, without recursion: a hostile value
 * must not overflow the stack here either. Returns the problem, or undefined when it may pass.
 */
export function requestShapeProblem(request: unknown, maxDepth = MAX_REQUEST_DEPTH, maxBytes = MAX_REQUEST_BYTES): string | undefined {
  const stack: Array<[value: unknown, depth: number]> = [[request, 1]];
  let bytes = 0;
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, depth] = top;
    if (value === undefined) continue; // dropped by JSON; kept by structured clone (Electron IPC)
    if (value === null || typeof value === 'boolean') bytes += 5;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return 'not JSON data';
      bytes += 24;
    } else if (typeof value === 'string') bytes += utf8Length(value) + 2;
    else if (typeof value === 'object') {
      // Shared references and cycles need no special case: depth and size bound the walk.
      if (depth > maxDepth) return `nested deeper than ${maxDepth}`;
      if (Array.isArray(value)) {
        bytes += 2 + value.length;
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return 'not JSON data';
        bytes += 2;
        for (const key of Object.keys(value)) {
          bytes += utf8Length(key) + 4;
          stack.push([(value as Record<string, unknown>)[key], depth + 1]);
        }
      }
    } else return 'not JSON data';
    if (bytes > maxBytes) return `larger than ${maxBytes} bytes`;
  }
  return undefined;
}
