/** RPC methods for entering customers (walk-in drafts, duplicate checks, submit) and finding them. */
import { z } from 'zod';
import { CONFIGURABLE_FIELDS, FIELD_NAMES, GRADES, intakeFieldsSchema, storedIntakeFieldsSchema } from '../domain/intake/fields';
import { consentSchema } from '../domain/intake/consent';
import { INPUT_LIMITS } from '../domain/limits';
import { MASKED_FIELDS } from '../domain/masking';
import { checkReason, REASON_MAX_CHARS, reasonSchema } from '../domain/reason';
import { SENSITIVE_FIELDS, clearedSchema, fieldNameSchema } from '../domain/intake/changes';
import { customerIdSchema, draftIdSchema, intakeIdSchema } from '../domain/ids';
import { draftSourceSchema, intakeSourceSchema } from '../domain/intake/sources';
import { method } from './method';
import { submissionIdSchema } from './online-contract';

export { customerIdSchema, draftIdSchema, intakeIdSchema } from '../domain/ids';

export const draftSchema = z.object({
  id: draftIdSchema,
  source: draftSourceSchema,
  fields: storedIntakeFieldsSchema,
  consent: consentSchema,
  customerId: customerIdSchema.nullable(),
  cleared: clearedSchema,
  startedAt: z.number(),
  updatedAt: z.number(),
  /**
   * A correction opens the customer's record masked: these fields show their mask until revealed
   * (`intake.draft.reveal`) or retyped; a field sent back still showing its mask is unchanged.
   */
  masked: z.array(z.enum(MASKED_FIELDS)).optional(),
  /** A paper form being transcribed: required fields the customer left blank on it, marked so (表上未填). */
  blankOnForm: z.array(fieldNameSchema).max(FIELD_NAMES.length).optional(),
  /** A paper form being transcribed: its batch and serial (the number printed on it is `formNo`). */
  paper: z.object({ batchId: z.string(), serial: z.number().int(), formNo: z.string() }).optional(),
});
export type Draft = z.infer<typeof draftSchema>;

/** A customer as lists show them: masked. */
export const customerSummarySchema = z.object({
  id: customerIdSchema,
  name: z.string(),
  mobile: z.string(),
  idNumber: z.string(),
  birthYear: z.string(),
  grade: z.enum(GRADES),
  matchedOn: z.array(z.enum(['mobile', 'id', 'name_birth', 'search'])),
  /** On a page of filter results (no query): where the next page starts (`after`). */
  cursor: z.string().optional(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const REVEALABLE_FIELDS = ['name', 'mobile', 'idNumber', 'birthDate', 'address', 'emergencyMobile'] as const;

export const INTAKE_METHODS = {
  'intake.config': method({
    input: z.object({}).strict(),
    output: z.object({ fields: z.record(z.enum(CONFIGURABLE_FIELDS), z.enum(['hidden', 'optional', 'required'])), walkInTargetMinutes: z.number() }),
    access: 'session',
    mutates: false,
  }),
  'intake.config.update': method({
    input: z.object({ fields: z.partialRecord(z.enum(CONFIGURABLE_FIELDS), z.enum(['hidden', 'optional', 'required'])) }),
    output: z.object({ fields: z.record(z.enum(CONFIGURABLE_FIELDS), z.enum(['hidden', 'optional', 'required'])), walkInTargetMinutes: z.number() }),
    access: { permission: 'settings.manage' },
    mutates: true,
  }),
  'intake.draft.current': method({ input: z.object({}).strict(), output: draftSchema.nullable(), access: { permission: 'intake.create' }, mutates: false }),
  'intake.draft.start': method({
    input: z
      .object({
        customerId: customerIdSchema.nullable().default(null),
        source: draftSourceSchema.default('walk_in'),
        /** Why an existing customer's record is being corrected (更正权); it is audited, and it is the reason for each reveal in the correction. */
        reason: z.string().trim().max(REASON_MAX_CHARS, { message: 'too_long' }).default(''),
      })
      .superRefine((input, ctx) => {
        if (input.source !== 'correction') return;
        if (input.customerId === null) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'required' });
        checkReason(input.reason, ctx);
      }),
    output: draftSchema,
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'intake.draft.save': method({
    input: z.object({ id: draftIdSchema, fields: intakeFieldsSchema, consent: consentSchema, customerId: customerIdSchema.nullable(), cleared: clearedSchema, blankOnForm: clearedSchema }),
    output: z.object({ savedAt: z.number() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  /** The customer is here (first detail typed, or the "customer arrived" key): the entry's timer starts now (issue 11 item 8). */
  'intake.draft.arrived': method({
    input: z.object({ id: draftIdSchema }),
    output: z.object({ startedAt: z.number() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  'intake.draft.reveal': method({
    input: z.object({ id: draftIdSchema, field: z.enum(MASKED_FIELDS) }),
    output: z.object({ value: z.string() }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
  // With the online submission loaded into the entry (issue 15): discarding the entry gives it back.
  'intake.draft.discard': method({ input: z.object({ id: draftIdSchema, onlineSubmissionId: submissionIdSchema.optional() }), output: z.object({ done: z.literal(true) }), access: { permission: 'intake.create' }, mutates: true }),
  'intake.matches': method({
    input: z.object({ mobile: z.string().max(40).default(''), idNumber: z.string().max(40).default(''), name: z.string().max(50).default(''), birthDate: z.string().max(10).default('') }),
    output: z.array(customerSummarySchema),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  /**
   * A known customer loaded into a walk-in entry: their stored record, masked as every screen shows
   * it. The entry itself stays empty: a loaded value is carried only when staff confirm or change it.
   */
  'intake.customerRecord': method({
    input: z.object({ customerId: customerIdSchema }),
    output: z.object({ summary: customerSummarySchema, fields: z.record(z.string(), z.union([z.string(), z.boolean()])) }),
    access: { permission: 'intake.create' },
    mutates: false,
  }),
  'intake.submit': method({
    input: z.object({
      draftId: draftIdSchema,
      fields: intakeFieldsSchema,
      consent: consentSchema,
      customerId: customerIdSchema.nullable(),
      customerPresent: z.boolean(),
      cleared: clearedSchema,
      /** A customer's online submission loaded by its receipt code (issue 15): saved with source `online`, once staff checked the ID shown. */
      online: z.object({ submissionId: submissionIdSchema, idChecked: z.boolean() }).optional(),
    }),
    output: z.object({ intakeId: intakeIdSchema, customerId: customerIdSchema, status: z.literal('pending_cross_check'), durationMs: z.number(), flags: z.array(z.string()) }),
    access: { permission: 'intake.create' },
    mutates: true,
  }),
} as const;

export const CUSTOMER_METHODS = {
  'customers.search': method({
    input: z
      .object({
        query: z.string().trim().max(INPUT_LIMITS.searchQuery, { message: 'too_long' }).default(''),
        grade: z.enum(GRADES).optional(),
        source: intakeSourceSchema.optional(),
        status: z.string().max(40).optional(),
        from: z.iso.date().max(10).optional(),
        to: z.iso.date().max(10).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        /** Filters with no query come in pages: the `cursor` of the last customer of the page before. */
        after: z.string().max(100).optional(),
      })
      .refine((input) => input.query !== '' || input.grade || input.source || input.status || input.from || input.to, { path: ['query'], message: 'required' }),
    output: z.array(customerSummarySchema),
    access: { permission: 'customer.read' },
    mutates: false,
  }),
  'customers.card': method({
    input: z.object({ id: customerIdSchema }),
    output: z.object({
      summary: customerSummarySchema,
      fields: z.record(z.string(), z.union([z.string(), z.boolean()])),
      intakes: z.array(z.object({ id: intakeIdSchema, source: z.string(), status: z.string(), submittedAt: z.number(), durationMs: z.number(), customerPresent: z.boolean(), enteredBy: z.string(), flags: z.array(z.string()) })),
      /** Sensitive fields two visits changed without seeing each other: both kept, masked, for a lead to decide. */
      conflicts: z.array(z.object({ field: z.string(), shown: z.string(), shownAsOf: z.string(), other: z.string(), otherAsOf: z.string(), otherIntakeId: z.string().nullable() })),
      history: z.array(z.object({ field: z.string(), at: z.number(), staffId: z.string().nullable(), staffName: z.string().optional(), value: z.union([z.string(), z.boolean(), z.number(), z.null()]), intakeId: z.string().nullable() })),
    }),
    access: { permission: 'customer.read' },
    mutates: false,
  }),
  'customers.resolveConflict': method({
    input: z.object({ id: customerIdSchema, field: z.enum(SENSITIVE_FIELDS), keepAsOf: z.string().min(1).max(80), reason: reasonSchema() }),
    output: z.object({ done: z.literal(true) }),
    access: { permission: 'review.act' },
    mutates: true,
  }),
  'customers.reveal': method({
    input: z.object({ id: customerIdSchema, field: z.enum(REVEALABLE_FIELDS), reason: reasonSchema() }),
    output: z.object({ value: z.string() }),
    access: { permission: 'customer.reveal' },
    mutates: true,
  }),
} as const;
