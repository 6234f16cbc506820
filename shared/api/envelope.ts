/**
 * The shape of everything that crosses a process boundary: requests, results and events.
 * Errors travel as codes (never stack traces) because `instanceof` does not survive the trip.
 */
import { z } from 'zod';
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

export const rpcRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

export interface RpcResponse {
  id: number;
  result: RpcResult<unknown>;
}

export function fail(code: ErrorCode, message: string, extra?: Pick<RpcError, 'fields' | 'details'>): { ok: false; error: RpcError } {
  return { ok: false, error: { code, message, ...extra } };
}

/**
 * Turn zod issues into field → message-code pairs (first issue per field wins). Pass the parsed
 * `input` so that a missing value (`required`) can be told from a value of the wrong type
 * (`invalid_type`): zod 4 leaves `issue.input` out unless asked to report it.
 */
export function fieldErrorsFrom(error: z.ZodError, input?: unknown): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (fields[key] !== undefined) continue;
    fields[key] = messageCodeOf(issue, input);
  }
  return fields;
}

/** The value at a zod issue's path inside `root` (undefined when any step is missing). */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const step of path) {
    if (typeof current !== 'object' || current === null || typeof step === 'symbol' || !Object.hasOwn(current, step)) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

function messageCodeOf(issue: z.core.$ZodIssue, input: unknown): string {
  // Our schemas put message codes (snake_case) in `message`; zod's own defaults are prose.
  if (/^[a-z_]+$/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
      return value === undefined ? 'required' : 'invalid_type';
    }
    case 'too_small':
      return 'too_small';
    case 'too_big':
      return 'too_long';
    case 'invalid_value':
      return 'invalid_choice';
    default:
      return 'invalid';
  }
}

/** The request's own id when one can be read from it (so an error reaches the right caller), else -1. */
export function requestIdOf(request: unknown): number {
  if (typeof request !== 'object' || request === null || Array.isArray(request) || !Object.hasOwn(request, 'id')) return -1;
  const id = (request as { id: unknown }).id;
  return typeof id === 'number' && Number.isFinite(id) ? id : -1;
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
