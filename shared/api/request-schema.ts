/**
 * The request envelope's schema and zod issues turned into field errors: what the core's dispatcher
 * (and the recovery screen's handler) check a request with. Apart from envelope.ts so that the
 * browser host, which only relays requests, does not load zod.
 */
import { z } from 'zod';
import type { FieldErrors } from './envelope';

export const rpcRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(100),
  input: z.unknown(),
});
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

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
