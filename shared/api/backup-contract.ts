/** Backups, the restore drill and the organisation recovery key (docs/decisions/0009-backups.md). */
import { z } from 'zod';
import { method } from './method';

export const backupSettingsSchema = z.object({
  /** Absolute path of the folder backups go to (a USB disk, a network share); empty: not set up. */
  folder: z.string().trim().max(1000, { message: 'too_long' }),
  /** Daily at this local time. */
  dailyAt: z.string().max(5, { message: 'time_format' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time_format' }),
  /** Keep the newest N backups in the folder. */
  keep: z.number().int().min(1, { message: 'number_range' }).max(365, { message: 'number_range' }),
});
export type BackupSettings = z.infer<typeof backupSettingsSchema>;
export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { folder: '', dailyAt: '02:00', keep: 30 };

const countsSchema = z.object({ customers: z.number().int(), intakes: z.number().int(), ops: z.number().int(), attachments: z.number().int() });

export const backupRecordSchema = z.object({
  at: z.number(),
  ok: z.boolean(),
  name: z.string().nullable(),
  sha256: z.string().nullable(),
  counts: countsSchema.nullable(),
  /** A BackupError code when it failed. */
  error: z.string().nullable(),
  message: z.string().nullable(),
});
export type BackupRecord = z.infer<typeof backupRecordSchema>;

export const drillRecordSchema = z.object({
  at: z.number(),
  ok: z.boolean(),
  name: z.string().nullable(),
  backupTakenAt: z.number().nullable(),
  counts: countsSchema.nullable(),
  auditEntries: z.number().int().nullable(),
  checks: z.array(z.string()),
  error: z.string().nullable(),
  message: z.string().nullable(),
});
export type DrillRecord = z.infer<typeof drillRecordSchema>;

export const backupStatusSchema = z.object({
  settings: backupSettingsSchema,
  lastBackup: backupRecordSchema.nullable(),
  lastDrill: drillRecordSchema.nullable(),
  drillDue: z.boolean(),
  running: z.boolean(),
  hasRecoveryKey: z.boolean(),
  recoveryKeyPending: z.boolean(),
  backups: z.array(z.object({ name: z.string(), createdAt: z.number(), counts: countsSchema })),
});
export type BackupStatus = z.infer<typeof backupStatusSchema>;

const countsOnly = countsSchema;

/** What the recovery screen shows when the desk's database cannot be opened. */
export const recoveryStatusSchema = z.object({
  /** null when the database opens normally (the screen is not needed). */
  problem: z.enum(['wrong_key', 'corrupt', 'too_new', 'io', 'open_failed']).nullable(),
  folder: z.string(),
  backups: z.array(z.object({ name: z.string(), file: z.string(), createdAt: z.number(), organisationName: z.string(), counts: countsOnly })),
});
export type RecoveryStatus = z.infer<typeof recoveryStatusSchema>;

const empty = z.object({}).strict();
const manage = { permission: 'backup.manage' } as const;

export const BACKUP_METHODS = {
  'backup.status': method({ input: empty, output: backupStatusSchema, access: manage, mutates: false }),
  'backup.settings.update': method({ input: backupSettingsSchema, output: backupStatusSchema, access: manage, mutates: true }),
  'backup.now': method({ input: empty, output: backupRecordSchema, access: manage, mutates: true }),
  'backup.drill': method({
    input: z.object({ recoveryKey: z.string().max(100, { message: 'too_long' }).optional() }).strict(),
    output: drillRecordSchema,
    access: manage,
    mutates: true,
  }),
  'backup.recoveryKey.pending': method({ input: empty, output: z.object({ recoveryKey: z.string().nullable() }), access: manage, mutates: false }),
  'backup.recoveryKey.confirm': method({ input: empty, output: z.object({ done: z.literal(true) }), access: manage, mutates: true }),
  'backup.recoveryKey.create': method({ input: empty, output: z.object({ recoveryKey: z.string() }), access: manage, mutates: true }),
  /** The organisation recovery key shown again (to print a new copy), after the manager enters their password; audited. */
  'backup.recoveryKey.show': method({
    input: z.object({ password: z.string().min(1, { message: 'required' }).max(200, { message: 'too_long' }) }).strict(),
    output: z.object({ recoveryKey: z.string() }),
    access: manage,
    mutates: true,
  }),
  /**
   * The recovery screen's two calls. Public because nobody can sign in to a desk whose database
   * cannot be opened: the browser host answers them itself then, and the recovery key is the
   * authority to restore. When the database opens, the core answers (no problem; restore refused).
   */
  'recovery.status': method({ input: empty, output: recoveryStatusSchema, access: 'public', mutates: false }),
  'recovery.restore': method({
    input: z.object({ file: z.string().trim().min(1, { message: 'required' }).max(1000, { message: 'too_long' }), recoveryKey: z.string().trim().min(1, { message: 'required' }).max(100, { message: 'too_long' }), confirmLoss: z.boolean().default(false) }),
    output: z.object({ counts: countsOnly, auditEntries: z.number().int() }),
    access: 'public',
    mutates: true,
  }),
} as const;
