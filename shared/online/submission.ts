/**
 * What a customer's phone seals inside an online submission (issue 15; docs/decisions/0015-online-desk.md):
 * the walk-in form's fields (the ones the site's form shows, see `publishFormRequestSchema.fields`)
 * and the consent given on the page. The page validates with this schema before sealing; the desk
 * validates again after opening, and a payload that does not follow it is quarantined, never loaded.
 *
 * Pure zod, no Node or DOM: the page's bundle imports it too.
 */
import { z } from 'zod';
import { CONSENT_PURPOSES, type Consent } from '../domain/intake/consent';
import { emptyIntakeFields, intakeFieldsSchema, type IntakeFields } from '../domain/intake/fields';

export const SUBMISSION_PAYLOAD_VERSION = 1;
export const SUBMISSION_LANGUAGES = ['zh-CN', 'en'] as const;

/**
 * The customer's part of the walk-in form: every field of a record except what staff decide (the
 * customer grade). Missing fields are empty, as on a fresh walk-in form; unknown fields are refused.
 */
export const submissionFieldsSchema = z.object(intakeFieldsSchema.shape).omit({ grade: true }).partial().strict();
export type SubmissionFields = z.infer<typeof submissionFieldsSchema>;

/** The consent ticked on the page: the notice version shown, the purposes, the separate ID-number consent, the guardian's. */
export const submissionConsentSchema = z
  .object({
    noticeVersion: z.string().min(1).max(20),
    purposes: z.array(z.enum(CONSENT_PURPOSES)).max(CONSENT_PURPOSES.length),
    idConsent: z.boolean(),
    guardianConsent: z.boolean(),
    marketing: z.boolean().default(false),
  })
  .strict();

export const submissionPayloadSchema = z
  .object({
    v: z.literal(SUBMISSION_PAYLOAD_VERSION),
    /** The site the page was opened for (the envelope binds it too, as additional data). */
    siteCode: z.string().min(1).max(64),
    lang: z.enum(SUBMISSION_LANGUAGES),
    fields: submissionFieldsSchema,
    consent: submissionConsentSchema,
    /** The phone's clock when the customer pressed send: for information only, the deadline runs from the server's receipt. */
    filledAt: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SubmissionPayload = z.infer<typeof submissionPayloadSchema>;

/** The payload as the walk-in form holds it: every field present, the record's limits checked. */
export function submissionToIntake(payload: SubmissionPayload): { fields: IntakeFields; consent: Consent } {
  const fields = intakeFieldsSchema.parse({ ...emptyIntakeFields(), ...payload.fields });
  const consent: Consent = { ...payload.consent, method: 'online', paperFormNo: '' };
  return { fields, consent };
}

