/**
 * The one rule for every reason a person gives for an audited act (showing a value in full, opening
 * a correction, sending a record back, rejecting it): it must say something. At least 4 characters
 * after trimming, and not one character over and over ("aaaa", "....", "a a a"): at least two
 * different letters or digits. Message codes are keys under `fieldError.` in the catalogs.
 */
import { z } from 'zod';
import { INPUT_LIMITS } from './limits';

export const REASON_MIN_CHARS = 4;
export const REASON_MAX_CHARS = INPUT_LIMITS.reason;

/** Why a reason is refused, or null when it says something. */
export function reasonProblem(raw: string, max: number = REASON_MAX_CHARS): 'reason_too_short' | 'reason_meaningless' | 'too_long' | null {
  const value = raw.trim();
  const chars = Array.from(value);
  if (chars.length < REASON_MIN_CHARS) return 'reason_too_short';
  if (chars.length > max) return 'too_long';
  const distinct = new Set(Array.from(value.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase()));
  if (distinct.size < 2) return 'reason_meaningless';
  return null;
}

/** A reason field: trimmed, checked by `reasonProblem`, the code as the issue's message. */
export function reasonSchema(max: number = REASON_MAX_CHARS) {
  return z
    .string()
    .trim()
    .max(max, { message: 'too_long' })
    .superRefine((value, ctx) => {
      const problem = reasonProblem(value, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** For inputs where a reason is needed only sometimes: add the reason's issue under `path` when it is. */
export function checkReason(value: string, ctx: z.RefinementCtx, path: string = 'reason', max: number = REASON_MAX_CHARS): void {
  const problem = reasonProblem(value, max);
  if (problem) ctx.addIssue({ code: 'custom', path: [path], message: problem });
}
