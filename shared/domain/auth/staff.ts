/** Staff account shapes and the rules for usernames and passwords, shared by core and renderer. */
import { z } from 'zod';
import { INPUT_LIMITS } from '../limits';
import { roleSchema } from './roles';
import { staffIdSchema } from '../ids';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(INPUT_LIMITS.username, { message: 'username_format' })
  .regex(/^[a-z0-9._-]{2,32}$/, { message: 'username_format' });

/** Shared desks need passwords people can type fast but not guess: at least 8, letters and digits. */
export const passwordSchema = z
  .string()
  .min(8, { message: 'password_too_short' })
  .max(INPUT_LIMITS.password, { message: 'password_too_long' })
  .regex(/[A-Za-z]/, { message: 'password_needs_letter' })
  .regex(/\d/, { message: 'password_needs_digit' });

export const displayNameSchema = z.string().trim().min(1, { message: 'required' }).max(INPUT_LIMITS.displayName, { message: 'too_long' });

export { staffIdSchema };

export const staffSchema = z.object({
  id: staffIdSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  certified: z.boolean(),
  active: z.boolean(),
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
  /** The password was set by a manager (new account or reset): the person must choose their own at sign-in. */
  mustChangePassword: z.boolean(),
});
export type Staff = z.infer<typeof staffSchema>;
