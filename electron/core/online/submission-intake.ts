/**
 * A submission's payload (shared/online/submission.ts, what the page seals) as the walk-in form
 * holds it: every field present, the record's limits checked (the page's schema leaves lengths to
 * the desk), and what staff decide (the customer grade) left to staff.
 */
import type { Consent } from '../../../shared/domain/intake/consent';
import { emptyIntakeFields, intakeFieldsSchema, type IntakeFields } from '../../../shared/domain/intake/fields';
import type { SubmissionPayload } from '../../../shared/online/submission';

/** Throws (a ZodError) when a field is longer than the walk-in form allows. */
export function submissionToIntake(payload: SubmissionPayload): { fields: IntakeFields; consent: Consent } {
  const fields = intakeFieldsSchema.parse({ ...emptyIntakeFields(), ...payload.fields, grade: 'ordinary' });
  const consent: Consent = { ...payload.consent, method: 'online', paperFormNo: '' };
  return { fields, consent };
}
