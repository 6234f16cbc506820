/** How one RPC method is declared: input and output schemas, who may call it, whether it changes data. */
import type { z } from 'zod';
import type { Permission } from '../domain/auth/roles';

/**
 * - `public`: no session needed (setup, login, ping).
 * - `session`: a signed-in, unlocked session.
 * - `session_or_locked`: a session that may be locked (unlock, logout).
 * - a permission: an unlocked session whose role holds it.
 */
export type Access = 'public' | 'session' | 'session_or_locked' | { permission: Permission };

export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  access: Access;
  mutates: boolean;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}
