/** RPC methods for the review workflow on the desk (cross-check, lead approval, final review). */
import { z } from 'zod';
import { FIELD_NAMES, intakeFieldsSchema, storedIntakeFieldsSchema } from '../domain/intake/fields';
import { consentSchema } from '../domain/intake/consent';
import { MASKED_FIELDS } from '../domain/masking';
import { REVIEW_STATUSES } from '../domain/review/machine';
import { INPUT_LIMITS } from '../domain/limits';
import { checkReason, REASON_MAX_CHARS, reasonSchema } from '../domain/reason';
import { CHANGE_KINDS, clearedSchema, fieldNameSchema } from '../domain/intake/changes';
import { customerIdSchema, intakeIdSchema, staffIdSchema } from '../domain/ids';
import { NEEDS_ATTENTION, SETTLE_TO } from '../domain/review/attention';
import { method } from './method';
import { customerSummarySchema } from './intake-contract';

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
  /** A paper form's required fields the customer left blank (表上未填): the details this record still needs. */
  blankOnForm: z.array(z.string()).optional(),
  /** Who the lead assigned the cross-check to, or whom the desk suggests (fewest open checks, not the enterer). */
  assignedTo: z.object({ id: z.string(), name: z.string() }).nullable(),
  suggested: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type QueueItem = z.infer<typeof queueItemSchema>;

/** The review queues, in the order the screen shows them. */
export const QUEUE_NAMES = ['returnedToMe', 'crossCheck', 'leadApproval', 'finalReview', 'attention'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
export const QUEUE_CURSOR_MAX_CHARS = 160;
export const queuePageInfoSchema = z.object({ count: z.number().int(), capped: z.boolean(), cursor: z.string().nullable() });

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
  'review.settings.update': method({ input: reviewSettingsSchema, output: reviewSettingsSchema, access: { permission: 'policy.manage' }, mutates: true }),
  'review.queues': method({
    /** `counts: false`, the cheap form (the home screen's due-soon panel): no counting, `count` is what the first page lists and `capped` says there are more. */
    input: z.object({ counts: z.boolean().default(true) }).strict(),
    output: z.object({
      returnedToMe: z.array(queueItemSchema),
      crossCheck: z.array(queueItemSchema),
      leadApproval: z.array(queueItemSchema),
      finalReview: z.array(queueItemSchema),
      /** Leads and managers: records a lead must settle (desks decided differently, or a stored decision broke its rules). */
      attention: z.array(queueItemSchema),
      /** Per queue: how many it holds (exact up to a cap, `capped` beyond) and where its next page starts (null: no more). */
      pages: z.record(z.enum(QUEUE_NAMES), queuePageInfoSchema),
    }),
    access: { permission: 'review.act' },
    mutates: false,
  }),
  /** The next page of one queue, most urgent first, after the cursor of the page before (docs/decisions/0024). */
  'review.queuePage': method({
    input: z.object({ queue: z.enum(QUEUE_NAMES), cursor: z.string().min(1).max(QUEUE_CURSOR_MAX_CHARS) }).strict(),
    output: z.object({ items: z.array(queueItemSchema), cursor: z.string().nullable() }),
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
      /** Masked like `fields`. */
      changedSinceCheck: z.record(z.string(), z.object({ before: z.string(), after: z.string() })),
      /** Masked (docs/decisions/0007-masks-that-do-not-add-up.md); `review.reveal` shows one field in full. */
      fields: storedIntakeFieldsSchema,
      /**
       * What this person may reveal here and how: `key` (the assigned cross-checker, or the enterer
       * for the fields a checker noted; one key per field, no typed reason), `reason` (a role with
       * `customer.reveal`, with a typed reason), `none`.
       */
      reveal: z.object({ mode: z.enum(['key', 'reason', 'none']), fields: z.array(z.enum(MASKED_FIELDS)) }),
      /** For a known customer, how each carried field relates to what is stored (values stay out). */
      marks: z.partialRecord(fieldNameSchema, z.enum(CHANGE_KINDS)),
      flags: z.array(z.string()),
      /** A paper form's required fields the customer left blank (表上未填): the details this record still needs. */
      blankOnForm: z.array(z.string()).default([]),
      returnNotes: z.record(z.string(), z.string()),
      lastReason: z.string().nullable(),
      events: z.array(z.object({ kind: z.string(), byStaff: z.string(), byName: z.string(), at: z.number(), reason: z.string().optional(), doubtful: z.boolean().optional(), notes: z.record(z.string(), z.string()).optional(),
        /** A double-entered paper sheet's submit: the other typist's name, and the reconciling lead's. */
        coEntrantNames: z.array(z.string()).optional(), reconciledByName: z.string().optional() })),
      /** For a possible duplicate: the stored customers it may duplicate (masked), to compare side by side. */
      possibleDuplicates: z.array(customerSummarySchema).default([]),
      /** Stored decisions that did not apply under the rules they were made by: a lead should look. */
      attention: z.array(z.object({ kind: z.string(), at: z.number(), byStaff: z.string(), refusal: z.string() })).default([]),
      /** Transcribed from a paper form: which sheet, and whether its scan can be shown beside the record. */
      paper: z.object({ batchId: z.string(), serial: z.number().int(), formNo: z.string(), hasScan: z.boolean(), /** Other intakes made from the same sheet (two desks offline). */ otherIntakes: z.array(z.string()).optional() }).nullable().default(null),
    }),
    access: { permission: 'review.act' },
    mutates: false,
  }),
  'review.reveal': method({
    input: z.object({
      intakeId,
      field: z.enum(MASKED_FIELDS),
      /** Needed unless the record is this person's to cross-check (or to fix, for a noted field). */
      reason: z.string().trim().max(REASON_MAX_CHARS, { message: 'too_long' }).default(''),
    }),
    output: z.object({ value: z.string() }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'review.mine': method({
    input: z.object({}).strict(),
    output: z.array(z.object({ intakeId, submittedAt: z.number(), status: z.string(), name: z.string() })),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  'review.decide': method({
    input: z
      .object({
        intakeId,
        decision: z.enum(DECISIONS),
        notes: z.partialRecord(z.enum(FIELD_NAMES), z.string().trim().min(1).max(INPUT_LIMITS.reviewNote, { message: 'too_long' })).default({}),
        reason: z.string().trim().max(INPUT_LIMITS.reviewReason, { message: 'too_long' }).default(''),
        doubtful: z.boolean().default(false),
      })
      // Sending a record back or rejecting it needs a reason that says something.
      .superRefine((input, ctx) => {
        if (input.decision === 'lead_sent_back' || input.decision === 'final_rejected') checkReason(input.reason, ctx, 'reason', INPUT_LIMITS.reviewReason);
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
    input: z.object({ intakeId, status: z.enum(SETTLE_TO), reason: reasonSchema(INPUT_LIMITS.reviewReason) }),
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
