/**
 * "Blank on form / 表上未填" (issue 13, user trial): a customer left a required field empty on the
 * paper form (the phone, say). Typed later, away from the customer, the record cannot be completed
 * by asking; the transcriber marks the field instead, and the record is kept with it empty and waits
 * for the missing detail. Only for paper intakes; only a required field that is actually empty; never
 * the ID number when the ID-number consent is ticked (a ticked consent with no number to go with it
 * is a contradiction to clear up, not a blank). The same rules on screen and in the core.
 */
import type { FieldIssue } from '../intake/validate';
import type { FieldName, IntakeFields } from '../intake/fields';

export const BLANK_ON_FORM_FLAG = 'blank_on_form';

/** Why a field cannot be marked (a key under `fieldError.` in the catalogs), or null when it can. */
export function blankMarkRefusal(field: FieldName, issue: FieldIssue | undefined, fields: IntakeFields, consent: { idConsent: boolean }): string | null {
  const value = fields[field];
  if (typeof value === 'string' ? value.trim() !== '' : value !== false) return 'blank_on_form_not_blank';
  if (issue?.code !== 'required') return 'blank_on_form_not_required';
  if (field === 'idNumber' && consent.idConsent) return 'blank_on_form_id_consent';
  return null;
}

/**
 * Apply the marks to a validation's errors: each marked field's "required" is lifted, and each mark
 * that is not allowed becomes the error of its field. The fields left in `errors` still block.
 */
export function applyBlankOnForm<T extends FieldIssue>(
  errors: Partial<Record<FieldName, T>>,
  fields: IntakeFields,
  marks: readonly FieldName[],
  consent: { idConsent: boolean },
): { errors: Partial<Record<FieldName, T | FieldIssue>>; refused: Partial<Record<FieldName, string>> } {
  const refused: Partial<Record<FieldName, string>> = {};
  const lifted = new Set<FieldName>();
  for (const field of new Set(marks)) {
    const refusal = blankMarkRefusal(field, errors[field], fields, consent);
    if (refusal) refused[field] = refusal;
    else lifted.add(field);
  }
  const remaining = Object.fromEntries(Object.entries(errors).filter(([field]) => !lifted.has(field as FieldName))) as Partial<Record<FieldName, T | FieldIssue>>;
  for (const [field, code] of Object.entries(refused)) remaining[field as FieldName] = { code };
  return { errors: remaining, refused };
}
