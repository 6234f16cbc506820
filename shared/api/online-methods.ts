/**
 * RPC methods of online submissions on the desk (issue 15; docs/decisions/0015-online-desk.md):
 * turning them on (managers), the "线上提交" queue, claims, loading a submission by its receipt
 * code at the counter, and the follow-up list. Saving a loaded submission is `intake.submit` with
 * `online`.
 */
import { z } from 'zod';
import { consentSchema } from '../domain/intake/consent';
import { storedIntakeFieldsSchema } from '../domain/intake/fields';
import { method } from './method';
import { submissionIdSchema } from './online-contract';

const done = z.object({ done: z.literal(true) });
const empty = z.object({}).strict();
const note = z.string().trim().max(500, 'too_long').default('');

export const FOLLOW_UP_ATTEMPT_KINDS = ['called', 'no_answer', 'message_sent'] as const;
export const FOLLOW_UP_OUTCOME_KINDS = ['', 'completed', 'unreachable', 'declined', 'duplicate'] as const;

const deadlineSchema = z.object({ kind: z.enum(['online_entry', 'returned_fix']), dueAt: z.number(), state: z.enum(['ok', 'due_soon', 'escalated', 'breached']), minutesLeft: z.number() }).nullable();

export const onlineSettingsSchema = z.object({
  available: z.boolean(),
  enabled: z.boolean(),
  open: z.boolean(),
  url: z.string().nullable(),
  siteCode: z.string().nullable(),
  keyId: z.string().nullable(),
  retentionDays: z.number().int(),
});
export type OnlineSettingsView = z.infer<typeof onlineSettingsSchema>;

export const onlineQueueItemSchema = z.object({
  submissionId: z.string(),
  receiptCode: z.string(),
  /** The server's receipt time (of the first, when the customer sent it again). */
  receivedAt: z.number(),
  deadline: deadlineSchema,
  state: z.enum(['ready', 'quarantined']),
  /** Why a quarantined submission could not be opened (`tampered`, `malformed`, `unknown_key`, `invalid_payload`, `wrong_site`). */
  problem: z.string().nullable(),
  /** Masked. */
  name: z.string(),
  mobile: z.string(),
  folded: z.number().int(),
  claim: z.object({ staffId: z.string(), name: z.string(), until: z.number(), mine: z.boolean() }).nullable(),
  followUp: z.boolean(),
  followUpReason: z.string(),
  attempts: z.number().int(),
  outcome: z.string(),
  escalatedAt: z.number().nullable(),
  breachedAt: z.number().nullable(),
});
export type OnlineQueueItem = z.infer<typeof onlineQueueItemSchema>;

export const ONLINE_METHODS = {
  'online.settings': method({ input: empty, output: onlineSettingsSchema, access: 'session', mutates: false }),
  /** Turn online submissions on (the first time: a submission key pair shared with every desk) or close the page. */
  'online.configure': method({
    input: z.object({ open: z.boolean(), retentionDays: z.number().int().min(1).max(365).optional() }),
    output: onlineSettingsSchema,
    access: { permission: 'policy.manage' },
    mutates: true,
  }),
  'online.queue': method({
    input: empty,
    output: z.object({
      items: z.array(onlineQueueItemSchema),
      followUp: z.array(onlineQueueItemSchema),
      /** For leads: open submissions past 90 minutes. */
      alerts: z.number().int(),
      /** For leads: breaches of the 2-hour rule recorded in the last 7 days. */
      breaches: z.array(z.object({ submissionId: z.string(), receiptCode: z.string(), receivedAt: z.number(), breachedAt: z.number(), processedAt: z.number().nullable(), expiredAt: z.number().nullable() })),
      settings: onlineSettingsSchema,
    }),
    access: { permission: 'intake.create' },
    // Looking records what the clock has reached (escalations at 90 minutes, breaches at 120, expiries), also when offline.
    mutates: true,
  }),
  'online.claim': method({ input: z.object({ submissionId: submissionIdSchema }), output: z.object({ until: z.number() }), access: { permission: 'intake.create' }, mutates: true }),
  'online.release': method({ input: z.object({ submissionId: submissionIdSchema }), output: done, access: { permission: 'intake.create' }, mutates: true }),
  /** The receipt code the customer shows: the submission, claimed for this person, in full for the walk-in form (audited). */
  'online.load': method({
    input: z.object({ receiptCode: z.string().trim().min(1, 'required').max(40, 'too_long') }),
    output: z.object({ submissionId: z.string(), receiptCode: z.string(), receivedAt: z.number(), deadline: deadlineSchema, fields: storedIntakeFieldsSchema, consent: consentSchema, claimUntil: z.number() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'online.followUp': method({
    input: z.object({ submissionId: submissionIdSchema, reason: z.string().trim().min(1, 'required').max(500, 'too_long') }),
    output: done,
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'online.attempt': method({
    input: z.object({ submissionId: submissionIdSchema, kind: z.enum(FOLLOW_UP_ATTEMPT_KINDS), note }),
    output: z.object({ attemptId: z.string() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'online.outcome': method({
    input: z.object({ submissionId: submissionIdSchema, outcome: z.enum(FOLLOW_UP_OUTCOME_KINDS), note }),
    output: done,
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'online.followUp.detail': method({
    input: z.object({ submissionId: submissionIdSchema }),
    output: z.object({
      submissionId: z.string(),
      receiptCode: z.string(),
      attempts: z.array(z.object({ id: z.string(), kind: z.string(), note: z.string(), by: z.string(), at: z.number() })),
      outcome: z.string(),
      outcomeNote: z.string(),
    }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
} as const;
