/**
 * Blind double entry of paper forms (issue 13 item 5), the pure rules: which sheets the site has
 * typed twice (every form, a share, or none), and how two transcriptions of one sheet are compared
 * field by field after normalisation (names, phones, ID numbers), as REDCap and EpiData compare
 * double data entry. The core applies these; the screens only show the outcome.
 */
import { z } from 'zod';
import { FIELD_NAMES, type FieldName, type IntakeFields } from '../intake/fields';
import { normalizeDocumentInput } from '../identity';
import { normalizeName } from '../names';
import { normalizeMobile, normalizePhone } from '../phone';

export const DOUBLE_ENTRY_MODES = ['every', 'share', 'none'] as const;
export type DoubleEntryMode = (typeof DOUBLE_ENTRY_MODES)[number];

export const doubleEntrySettingsSchema = z
  .object({
    mode: z.enum(DOUBLE_ENTRY_MODES),
    /** With `share`: the percentage of sheets typed twice (chosen by serial, the same on every desk). */
    percent: z.number().int().min(1, { message: 'percent_range' }).max(99, { message: 'percent_range' }),
  })
  .strict();
export type DoubleEntrySettings = z.infer<typeof doubleEntrySettingsSchema>;
export const DEFAULT_DOUBLE_ENTRY: DoubleEntrySettings = { mode: 'none', percent: 20 };

/** FNV-1a: a stable spread of sheets, so every desk picks the same ones without asking anyone. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Whether this sheet is typed by two different staff. */
export function needsDoubleEntry(settings: DoubleEntrySettings, batchCode: string, serial: number): boolean {
  if (settings.mode === 'every') return true;
  if (settings.mode === 'none') return false;
  return stableHash(`${batchCode.toUpperCase()}:${serial}`) % 100 < settings.percent;
}

/** The consent boxes ticked on the paper, compared like fields. */
export const COMPARED_CONSENT = ['idConsent', 'guardianConsent', 'marketing'] as const;
/** Every key two transcriptions are compared on: the record's fields, the consent boxes, and the returning customer chosen. */
export type ComparedKey = FieldName | `consent.${(typeof COMPARED_CONSENT)[number]}` | 'customerId';

export interface Transcription {
  fields: IntakeFields;
  consent: Record<(typeof COMPARED_CONSENT)[number], boolean>;
  customerId: string | null;
  /** Required fields marked "blank on form" (表上未填): compared too, a mark against a value or no mark differs. */
  blankOnForm?: readonly FieldName[];
}

const NAME_FIELDS = new Set<FieldName>(['name', 'emergencyName', 'guardianName']);
const PHONE_FIELDS = new Set<FieldName>(['mobile', 'emergencyMobile', 'guardianMobile']);

/** A value as compared: the same person's name, phone or ID typed two ways compares equal. */
export function comparable(field: FieldName, value: string | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value.normalize('NFKC');
  if (NAME_FIELDS.has(field)) return normalizeName(text);
  if (PHONE_FIELDS.has(field)) {
    const mobile = normalizeMobile(text);
    if (mobile.ok) return mobile.national;
    const phone = normalizePhone(text);
    return phone.ok ? phone.e164 : normalizeDocumentInput(text);
  }
  if (field === 'idNumber') return normalizeDocumentInput(text).toUpperCase();
  if (field === 'landline') return text.replace(/[\s-]/g, '');
  return text.replace(/\s+/g, ' ').trim();
}

export interface Comparison {
  /** Keys either transcription filled in (both empty is not a comparison). */
  compared: ComparedKey[];
  differing: ComparedKey[];
}

/** Field by field after normalisation: what was compared and where the two transcriptions differ. */
export function compareTranscriptions(a: Transcription, b: Transcription): Comparison {
  const compared: ComparedKey[] = [];
  const differing: ComparedKey[] = [];
  for (const field of FIELD_NAMES) {
    const left = comparable(field, a.fields[field]);
    const right = comparable(field, b.fields[field]);
    const marked = (a.blankOnForm ?? []).includes(field) !== (b.blankOnForm ?? []).includes(field);
    if (left === '' && right === '' && !marked) continue;
    if (typeof a.fields[field] === 'boolean' && left === 'false' && right === 'false') continue;
    compared.push(field);
    if (left !== right || marked) differing.push(field);
  }
  for (const box of COMPARED_CONSENT) {
    const key = `consent.${box}` as const;
    if (!a.consent[box] && !b.consent[box]) continue;
    compared.push(key);
    if (a.consent[box] !== b.consent[box]) differing.push(key);
  }
  if (a.customerId !== null || b.customerId !== null) {
    compared.push('customerId');
    if (a.customerId !== b.customerId) differing.push('customerId');
  }
  return { compared, differing };
}
