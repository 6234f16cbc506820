/**
 * Field-level changes of an intake for a known customer (issue 9): an intake carries the fields the
 * staff changed or confirmed, each with the value it replaces. A field left empty is "not asked" and
 * never erases a stored value; clearing a stored value is its own action (`cleared`), marked in the
 * form and in review. A valid intake updates only the fields it carries.
 */
import { z } from 'zod';
import { FIELD_NAMES, emptyIntakeFields, type FieldName, type IntakeFields } from './fields';

export type FieldValue = string | boolean;

export const fieldChangeSchema = z.object({
  value: z.union([z.string(), z.boolean()]),
  replaces: z.union([z.string(), z.boolean()]),
  cleared: z.literal(true).optional(),
  /** The HLC of the stored value this capture saw (sensitive fields): two writes that did not see each other conflict. */
  seen: z.string().max(80).optional(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export { FIELD_NAMES };
export const fieldNameSchema = z.enum(FIELD_NAMES);
/** Fields a capture clears on purpose. */
export const clearedSchema = z.array(fieldNameSchema).max(FIELD_NAMES.length).default([]);
export const CHANGE_KINDS = ['new', 'changed', 'confirmed', 'cleared'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const fieldChangesSchema = z.partialRecord(fieldNameSchema, fieldChangeSchema);
export type FieldChanges = z.infer<typeof fieldChangesSchema>;

const EMPTY = emptyIntakeFields();

/** Fields where two changes that did not see each other are both kept and raised for a lead. */
export const SENSITIVE_FIELDS = ['name', 'idNumber', 'birthDate', 'mobile'] as const satisfies readonly FieldName[];
export const isSensitiveField = (field: string): boolean => (SENSITIVE_FIELDS as readonly string[]).includes(field);

/** A value that says nothing: an empty string, or the default of a choice or a checkbox. */
export function isEmptyValue(field: FieldName, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string' && value.trim() === '') return true;
  return value === EMPTY[field];
}

/** Fields that travel together: picking a new province says the old city and district no longer hold. */
const GROUPS: ReadonlyArray<readonly FieldName[]> = [['addressProvince', 'addressCity', 'addressDistrict']];
/** A resident ID number carries its type and what it tells (birth date, gender). */
const FROM_ID: readonly FieldName[] = ['idType', 'birthDate', 'gender'];

/** The fields this capture speaks for: asked (not empty) or cleared, with their companions. */
export function carriedFields(form: IntakeFields, cleared: readonly FieldName[]): Set<FieldName> {
  const carried = new Set<FieldName>(cleared);
  for (const field of FIELD_NAMES) if (!isEmptyValue(field, form[field])) carried.add(field);
  if (!isEmptyValue('idNumber', form.idNumber)) {
    carried.add('idType');
    if (form.idType === 'cn_resident_id') for (const field of FROM_ID) carried.add(field);
  }
  for (const group of GROUPS) if (group.some((field) => carried.has(field))) for (const field of group) carried.add(field);
  return carried;
}

/** The record as it would be after this capture: stored values, overwritten by what is carried. */
export function mergeCapture(stored: Partial<IntakeFields>, form: IntakeFields, cleared: readonly FieldName[]): IntakeFields {
  const merged: IntakeFields = { ...EMPTY, ...pickKnown(stored) };
  const carried = carriedFields(form, cleared);
  for (const field of carried) (merged as Record<FieldName, FieldValue>)[field] = cleared.includes(field) ? EMPTY[field] : form[field];
  return merged;
}

/** Only this capture's fields, the rest empty: what the visit itself said (shown in review). */
export function captureOnly(normalized: IntakeFields, carried: ReadonlySet<FieldName>): IntakeFields {
  const only: IntakeFields = { ...EMPTY };
  for (const field of carried) (only as Record<FieldName, FieldValue>)[field] = normalized[field];
  return only;
}

/** Each carried field with the value it replaces. */
export function fieldChanges(stored: Partial<IntakeFields>, normalized: IntakeFields, carried: ReadonlySet<FieldName>, cleared: readonly FieldName[], seenHlc: Readonly<Record<string, string>> = {}): FieldChanges {
  const changes: FieldChanges = {};
  const before = { ...EMPTY, ...pickKnown(stored) };
  for (const field of FIELD_NAMES) {
    if (!carried.has(field)) continue;
    const value = normalized[field];
    // A companion that says nothing new and replaces nothing is not a change.
    if (isEmptyValue(field, value) && isEmptyValue(field, before[field]) && !cleared.includes(field)) continue;
    changes[field] = {
      value,
      replaces: before[field],
      ...(cleared.includes(field) || (isEmptyValue(field, value) && !isEmptyValue(field, before[field])) ? { cleared: true as const } : {}),
      ...(isSensitiveField(field) ? { seen: seenHlc[field] ?? '' } : {}),
    };
  }
  return changes;
}

/** How a carried field relates to what was stored: new, changed, confirmed (same value) or cleared. */
export function changeKind(change: FieldChange): ChangeKind {
  if (change.cleared) return 'cleared';
  if (change.value === change.replaces) return 'confirmed';
  return change.replaces === '' || change.replaces === false ? 'new' : 'changed';
}

function pickKnown(stored: Partial<IntakeFields>): Partial<IntakeFields> {
  const known: Partial<Record<FieldName, FieldValue>> = {};
  for (const field of FIELD_NAMES) {
    const value = (stored as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'boolean') known[field] = value;
  }
  return known as Partial<IntakeFields>;
}
