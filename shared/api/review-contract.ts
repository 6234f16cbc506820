/** RPC methods for the review workflow on the desk (cross-check, lead approval, final review). */
import { z } from 'zod';
import { intakeFieldsSchema } from '../domain/intake/fields';
import { consentSchema } from '../domain/intake/consent';
import { REVIEW_STATUSES } from '../domain/review/machine';
import { CHANGE_KINDS, clearedSchema, fieldNameSchema } from '../domain/intake/changes';
import { customerIdSchema, intakeIdSchema, staffIdSchema } from '../domain/ids';
import { NEEDS_ATTENTION, SETTLE_TO } from '../domain/review/attention';
import { method } from './method';

const intakeId = intakeIdSchema;
// The machine's statuses, and "needs attention" for a contradiction from several desks (issue 9).
const status = z.enum([...REVIEW_STATUSES, NEEDS_ATTENTION]);

export const queueItemSchema = z.object({
  intakeId,
  source: z.string(),
  deadline: z.object({ kind: z.enum(['online_entry', 'returned_fix']), dueAt: z.number(), state: z.enum(['ok', 'due_soon', 'escalated', 'breached']), minutesLeft: z.number() }).nullable(),
  customerName: z.string(),
  status,
  since: z.number(),
  submittedAt: z.number(),
  enteredBy: z.string(),
  flags: z.array(z.string()),
  /** Who the lead assigned the cross-check to, or whom the desk suggests (fewest open checks, not the enterer). */
  assignedTo: z.object({ id: z.string(), name: z.string() }).nullable(),
  suggested: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type QueueItem = z.infer<typeof queueItemSchema>;

export const reviewSettingsSchema = z.object({
  leadMayApproveOwnCrossCheck: z.boolean(),
  walkInTargetMinutes: z.number().int().min(1).max(30),
  returnedDueMinutes: z.number().int().min(10).max(1440),
});
export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;
export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = { leadMayApproveOwnCrossCheck: false, walkInTargetMinutes: 5, returnedDueMinutes: 60 };

export const DECISIONS = ['cross_check_passed', 'cross_check_failed', 'lead_approved', 'lead_sent_back', 'final_approved', 'final_rejected'] as const;

export const REVIEW_METHODS = {
  'review.settings.get': method({ input: z.object({}).strict(), output: reviewSettingsSchema, access: 'session', mutates: false }),
  'review.settings.update': method({ input: reviewSettingsSchema, output: reviewSettingsSchema, access: { permission: 'settings.manage' }, mutates: true }),
  'review.queues': method({
    input: z.object({}).strict(),
    output: z.object({ returnedToMe: z.array(queueItemSchema), crossCheck: z.array(queueItemSchema), leadApproval: z.array(queueItemSchema), finalReview: z.array(queueItemSchema), needsAttention: z.array(queueItemSchema) }),
    access: { permission: 'review.act' },
    mutates: false,
  }),
  'review.intake': method({
    input: z.object({ intakeId }),
    output: z.object({
      intakeId,
      status,
      enteredBy: z.string(),
      source: z.string(),
      submittedAt: z.number(),
      changedSinceCheck: z.record(z.string(), z.object({ before: z.string(), after: z.string() })),
      fields: intakeFieldsSchema,
      /** For a known customer, how each carried field relates to what is stored (values stay out). */
      marks: z.partialRecord(fieldNameSchema, z.enum(CHANGE_KINDS)),
      flags: z.array(z.string()),
      returnNotes: z.record(z.string(), z.string()),
      lastReason: z.string().nullable(),
      events: z.array(z.object({ kind: z.string(), byStaff: z.string(), byName: z.string(), at: z.number(), reason: z.string().optional(), notes: z.record(z.string(), z.string()).optional() })),
    }),
    access: { permission: 'review.act' },
    mutates: false,
  }),
  'review.decide': method({
    input: z.object({
      intakeId,
      decision: z.enum(DECISIONS),
      notes: z.record(z.string(), z.string().trim().min(1).max(200)).default({}),
      reason: z.string().trim().max(500).default(''),
      doubtful: z.boolean().default(false),
    }),
    output: z.object({ status }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'review.assign': method({
    input: z.object({ intakeId, staffId: staffIdSchema }),
    output: z.object({ done: z.literal(true) }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'intake.registerOnline': method({
    input: z.object({ fields: intakeFieldsSchema, consent: consentSchema, customerId: customerIdSchema.nullable(), cleared: clearedSchema }),
    output: z.object({ intakeId, customerId: z.string(), status: z.literal('pending_cross_check'), durationMs: z.number(), flags: z.array(z.string()) }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'review.settle': method({
    input: z.object({ intakeId, status: z.enum(SETTLE_TO), reason: z.string().trim().min(4, { message: 'reason_too_short' }).max(500, { message: 'too_long' }) }),
    output: z.object({ status }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'intake.resubmit': method({
    input: z.object({ intakeId, fields: intakeFieldsSchema }),
    output: z.object({ status }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
} as const;
