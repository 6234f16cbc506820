/**
 * What the customer's page seals (docs/decisions/0014-online-submissions.md): the JSON inside a
 * submission envelope. Only the page writes it and only a desk reads it (after `openSubmission`); the
 * server never sees it. The fields use the intake's own names (shared/domain/intake/fields.ts), so a
 * desk loads them straight into the walk-in form; the consent is the intake's consent with method
 * `online` and the notice version the page showed.
 *
 * Stability: additive changes only (the desk must open submissions sealed by an older page).
 */
import { z } from 'zod';
import { consentSchema } from '../domain/intake/consent';
import { storedIntakeFieldsSchema } from '../domain/intake/fields';

export const SUBMISSION_PAYLOAD_VERSION = 1;

export const submissionPayloadSchema = z.object({
  v: z.literal(SUBMISSION_PAYLOAD_VERSION),
  /** The site the page was opened for (also bound into the envelope's additional data). */
  siteCode: z.string().min(1).max(64),
  /** The language the customer filled the page in. */
  lang: z.enum(['zh-CN', 'en']),
  /** The values typed, by intake field name; only the fields the site's form shows. */
  fields: storedIntakeFieldsSchema.partial(),
  consent: consentSchema.extend({ method: z.literal('online') }),
  /** The phone's clock when sealed (informational only: deadlines run from the server's receipt time). */
  sealedAt: z.number().int(),
});
export type SubmissionPayload = z.infer<typeof submissionPayloadSchema>;
