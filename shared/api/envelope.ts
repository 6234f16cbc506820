/**
 * The shape of everything that crosses a process boundary: requests, results and events.
 * Errors travel as codes (never stack traces) because `instanceof` does not survive the trip.
 */
import { z } from 'zod';

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

/** Turn zod issues into field → message-code pairs (first issue per field wins). */
export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    if (fields[key] !== undefined) continue;
    fields[key] = messageCodeOf(issue);
  }
  return fields;
}

function messageCodeOf(issue: z.core.$ZodIssue): string {
  // Our schemas put message codes (snake_case) in `message`; zod's own defaults are prose.
  if (/^[a-z_]+$/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'invalid_type';
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
