/**
 * Reading a capture against what is stored (issue 9): for a known customer an empty field is "not
 * asked" and keeps the stored value, a cleared one empties it, and the merged record is what must be
 * valid; the intake keeps only what the visit said, with each field's previous value.
 */
import { FIELD_NAMES, carriedFields, captureOnly, fieldChanges, mergeCapture, type FieldChanges } from '../../../shared/domain/intake/changes';
import type { FieldName, IntakeFields } from '../../../shared/domain/intake/fields';
import { validateIntake } from '../../../shared/domain/intake/validate';
import { DomainError } from '../errors';
import type { Services } from '../services';

export interface Capture {
  /** The record as it will be once the intake is valid, validated as a whole. */
  validation: ReturnType<typeof validateIntake>;
  /** What this capture says: for a known customer only the fields it carries, the rest empty. */
  fields: IntakeFields;
  /** Each carried field with the value it replaces. */
  changes: FieldChanges;
}

/**
 * Read a capture against what is stored: for a known customer, an empty field is "not asked" and
 * keeps the stored value, a cleared one empties it; the merged record is what must be valid.
 */
export function readCapture(services: Services, customerId: string | null, form: IntakeFields, cleared: readonly FieldName[], now: number, whole = false): Capture {
  const config = services.config.intakeFields();
  const customer = customerId ? services.customers.byId(customerId) : undefined;
  if (customerId && !customer) throw new DomainError('NOT_FOUND', 'no such customer');
  const stored = customer ? (JSON.parse(customer.doc) as Partial<IntakeFields>) : {};
  const seen = customer ? (JSON.parse(customer.field_hlc) as Record<string, string>) : {};
  if (!customer || whole) {
    // A new customer's first capture is the whole record.
    const validation = validateIntake(form, config, new Date(now));
    const all = new Set(FIELD_NAMES);
    return { validation, fields: validation.normalized, changes: fieldChanges(stored, validation.normalized, all, [], seen) };
  }
  const validation = validateIntake(mergeCapture(stored, form, cleared), config, new Date(now));
  const carried = carriedFields(form, cleared);
  return { validation, fields: captureOnly(validation.normalized, carried), changes: fieldChanges(stored, validation.normalized, carried, cleared, seen) };
}

