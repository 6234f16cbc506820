/**
 * Every RPC method, declared once: input and output schemas, who may call it, whether it changes
 * data. The core's dispatcher and the renderer's typed client are both driven from this table.
 */
import { z } from 'zod';
import { permissionSchema, roleSchema } from '../domain/auth/roles';
import { INPUT_LIMITS } from '../domain/limits';
import { method } from './method';
export { method, type Access, type MethodSpec } from './method';
import { displayNameSchema, passwordSchema, staffIdSchema, staffSchema, usernameSchema } from '../domain/auth/staff';
import { CUSTOMER_METHODS, INTAKE_METHODS } from './intake-contract';
import { PAPER_METHODS } from './paper-contract';
import { REVIEW_METHODS } from './review-contract';
import { BACKUP_METHODS } from './backup-contract';
import { SYNC_METHODS } from './sync-methods';
import { ONLINE_METHODS } from './online-methods';

const empty = z.object({}).strict();
const done = z.object({ done: z.literal(true) });

export const securitySettingsSchema = z.object({
  maxFailedLogins: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(240),
  idleLockMinutes: z.number().int().min(1).max(60),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

const sessionStaffSchema = z.object({
  id: staffIdSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  certified: z.boolean(),
  /** Until the person chooses their own password, the core refuses every other method (PASSWORD_CHANGE_REQUIRED). */
  mustChangePassword: z.boolean(),
});

export const sessionSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('none') }),
  z.object({
    state: z.enum(['active', 'locked']),
    staff: sessionStaffSchema,
    permissions: z.array(permissionSchema),
    idleLockMs: z.number().int().positive(),
  }),
]);
export type SessionInfo = z.infer<typeof sessionSchema>;

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: z.number(),
  staffId: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Display names of the staff the entry names (actor, target, details), so no screen shows a staff id. */
  names: z.record(z.string(), z.string()).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditVerifySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.number().int() }),
  z.object({ ok: z.literal(false), entries: z.number().int(), firstBrokenSeq: z.number().int(), problem: z.string() }),
]);
export type AuditVerifyResult = z.infer<typeof auditVerifySchema>;

export const setupInputSchema = z.object({
  organisationName: z.string().trim().min(1, { message: 'required' }).max(INPUT_LIMITS.organisationName, { message: 'too_long' }),
  siteName: z.string().trim().min(1, { message: 'required' }).max(INPUT_LIMITS.siteName, { message: 'too_long' }),
  deskName: z.string().trim().min(1, { message: 'required' }).max(INPUT_LIMITS.deskName, { message: 'too_long' }),
  manager: z.object({ username: usernameSchema, displayName: displayNameSchema, password: passwordSchema }),
});

export const METHODS = {
  'app.ping': method({ input: empty, output: z.object({ pong: z.literal(true) }), access: 'public', mutates: false }),
  'app.info': method({
    input: empty,
    output: z.object({
      setupRequired: z.boolean(),
      organisationName: z.string().nullable(),
      siteName: z.string().nullable(),
      deskName: z.string().nullable(),
      deviceId: z.string(),
      appVersion: z.string(),
    }),
    access: 'public',
    mutates: false,
  }),
  'setup.initialize': method({ input: setupInputSchema, output: sessionSchema, access: 'public', mutates: true }),

  'auth.session': method({ input: empty, output: sessionSchema, access: 'public', mutates: false }),
  'auth.login': method({
    input: z.object({ username: z.string().trim().toLowerCase().min(1, { message: 'required' }).max(INPUT_LIMITS.username), password: z.string().min(1, { message: 'required' }).max(INPUT_LIMITS.password) }),
    output: sessionSchema,
    access: 'public',
    mutates: true,
  }),
  'auth.unlock': method({ input: z.object({ password: z.string().min(1, { message: 'required' }).max(INPUT_LIMITS.password) }), output: sessionSchema, access: 'session_or_locked', mutates: true }),
  'auth.lock': method({ input: empty, output: sessionSchema, access: 'session', mutates: true }),
  'auth.logout': method({ input: empty, output: sessionSchema, access: 'session_or_locked', mutates: true }),
  'auth.heartbeat': method({ input: empty, output: z.object({ idleLockMs: z.number() }), access: 'session', mutates: false }),
  'auth.changePassword': method({
    input: z.object({ currentPassword: z.string().min(1, { message: 'required' }).max(INPUT_LIMITS.password), newPassword: passwordSchema }),
    output: done,
    access: 'session',
    mutates: true,
  }),

  'staff.list': method({ input: empty, output: z.array(staffSchema), access: { permission: 'staff.read' }, mutates: false }),
  'staff.create': method({
    input: z.object({
      username: usernameSchema,
      displayName: displayNameSchema,
      role: roleSchema,
      certified: z.boolean(),
      password: passwordSchema,
      /**
       * The new staff member typed this password themselves (the manager did not see it). Otherwise
       * (the default) it is an initial password the person must change at first sign-in.
       */
      passwordSetByStaff: z.boolean().default(false),
    }),
    output: staffSchema,
    access: { permission: 'staff.manage' },
    mutates: true,
  }),
  'staff.update': method({
    input: z.object({ id: staffIdSchema, displayName: displayNameSchema.optional(), role: roleSchema.optional(), certified: z.boolean().optional(), active: z.boolean().optional() }),
    output: staffSchema,
    access: { permission: 'staff.manage' },
    mutates: true,
  }),
  'staff.resetPassword': method({ input: z.object({ id: staffIdSchema, password: passwordSchema }), output: done, access: { permission: 'staff.manage' }, mutates: true }),
  'staff.unlock': method({ input: z.object({ id: staffIdSchema }), output: staffSchema, access: { permission: 'staff.manage' }, mutates: true }),

  'settings.get': method({ input: empty, output: securitySettingsSchema, access: { permission: 'settings.manage' }, mutates: false }),
  'settings.update': method({ input: securitySettingsSchema, output: securitySettingsSchema, access: { permission: 'policy.manage' }, mutates: true }),

  'audit.list': method({
    input: z.object({ beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.array(auditEntrySchema),
    access: { permission: 'audit.read' },
    mutates: false,
  }),
  'audit.verify': method({ input: empty, output: auditVerifySchema, access: { permission: 'audit.read' }, mutates: false }),

  /** Ops this desk could not read (invalid, unknown kind, newer schema), kept with the reason (issue 9). */
  'sync.quarantine': method({
    input: empty,
    output: z.array(z.object({ opId: z.string(), entity: z.string(), reason: z.string(), receivedAt: z.number() })),
    access: { permission: 'settings.manage' },
    mutates: false,
  }),
  ...INTAKE_METHODS,
  ...CUSTOMER_METHODS,
  ...REVIEW_METHODS,
  ...BACKUP_METHODS,
  ...SYNC_METHODS,
  ...PAPER_METHODS,
  ...ONLINE_METHODS,
} as const;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}
