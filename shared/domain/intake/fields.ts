/**
 * The fields of a customer record as captured by an intake, flat so that every field has one name
 * in the form, the op log (per-field history) and the review notes. Which optional fields a site
 * shows and requires is site configuration (presets below).
 */
import { z } from 'zod';
import { ID_TYPES, SKI_DISCIPLINES, SKI_ABILITIES, SKIER_TYPES, STANCES, GRADES, GENDERS, TEXT_LIMITS, type TextFieldName } from './field-values';

export { ID_TYPES, SKI_DISCIPLINES, SKI_ABILITIES, SKIER_TYPES, STANCES, GRADES, GENDERS, TEXT_LIMITS } from './field-values';
export type { IdType, TextFieldName } from './field-values';

/**
 * One record's fields together, in UTF-8 bytes. The per-field limits already keep a record far
 * below this; the bound is there so that no future field can let an unbounded record reach the
 * op log (a submit writes the whole record into one op).
 */
export const RECORD_MAX_BYTES = 16 * 1024;

const bounded = (field: TextFieldName) => z.string().max(TEXT_LIMITS[field], { message: 'too_long' }).default('');
const unbounded = (_field: TextFieldName) => z.string().default('');

const encoder = new TextEncoder();
const utf8Bytes = (value: string): number => encoder.encode(value).length;

/** UTF-8 bytes of every string in a record (field names included, as the op log stores them). */
export function recordBytes(fields: Record<string, unknown>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(fields)) {
    bytes += utf8Bytes(key);
    if (typeof value === 'string') bytes += utf8Bytes(value);
  }
  return bytes;
}

function fieldsShape(text: typeof bounded) {
  return {
    name: text('name'),
    mobile: text('mobile'),
    landline: text('landline'),
    idType: z.enum(ID_TYPES).default('cn_resident_id'),
    idNumber: text('idNumber'),
    birthDate: text('birthDate'),
    gender: z.enum(GENDERS).default('unspecified'),
    addressProvince: text('addressProvince'),
    addressCity: text('addressCity'),
    addressDistrict: text('addressDistrict'),
    addressDetail: text('addressDetail'),
    emergencyName: text('emergencyName'),
    emergencyMobile: text('emergencyMobile'),
    skiDiscipline: z.enum(['', ...SKI_DISCIPLINES]).default(''),
    skiAbility: z.enum(['', ...SKI_ABILITIES]).default(''),
    skierType: z.enum(['', ...SKIER_TYPES]).default(''),
    heightCm: text('heightCm'),
    weightKg: text('weightKg'),
    bootMondo: text('bootMondo'),
    stance: z.enum(['', ...STANCES]).default(''),
    helmet: z.boolean().default(false),
    lessons: z.boolean().default(false),
    grade: z.enum(GRADES).default('ordinary'),
    remarks: text('remarks'),
    guardianName: text('guardianName'),
    guardianMobile: text('guardianMobile'),
    /** ISO 3166-1 alpha-2; the mainland by default, so records from before it read as mainland. */
    nationality: z.string().max(2).default('CN'),
    /** The address's country: the mainland (province/city/district picker) or another, with the address as free text. */
    addressCountry: z.string().max(2).default('CN'),
  };
}

/** Everything a walk-in form can hold; all strings while typing, parsed on submit. Bounded: every input uses this. */
export const intakeFieldsSchema = z.object(fieldsShape(bounded)).superRefine((fields, context) => {
  if (recordBytes(fields) <= RECORD_MAX_BYTES) return;
  // Name the field that holds the most, so the person knows where to cut.
  const largest = (Object.keys(TEXT_LIMITS) as TextFieldName[]).reduce((a, b) => (utf8Bytes(fields[b]) > utf8Bytes(fields[a]) ? b : a));
  context.addIssue({ code: 'custom', path: [largest], message: 'record_too_large' });
});

/**
 * The same fields as stored, for answers only (drafts, records under review): a draft or record
 * saved before today's limits is still shown whole, never refused on the way out; saving it again
 * goes through the bounded schema, which names any field that is now too long.
 */
export const storedIntakeFieldsSchema = z.object(fieldsShape(unbounded));

export type IntakeFields = z.infer<typeof intakeFieldsSchema>;
export type FieldName = keyof IntakeFields;
/** Every field name, in form order (e.g. the keys a cross-checker's notes may use). */
export const FIELD_NAMES = Object.keys(intakeFieldsSchema.shape) as [FieldName, ...FieldName[]];

/** Fields a site may show or require; name, mobile and ID are always required. */
export const CONFIGURABLE_FIELDS = [
  'landline',
  'addressProvince',
  'addressDetail',
  'emergencyName',
  'skiDiscipline',
  'skiAbility',
  'skierType',
  'heightCm',
  'weightKg',
  'bootMondo',
  'stance',
  'helmet',
  'lessons',
  'remarks',
] as const;
export type ConfigurableField = (typeof CONFIGURABLE_FIELDS)[number];
export type FieldRule = 'hidden' | 'optional' | 'required';
export type FieldConfig = Record<ConfigurableField, FieldRule>;

export const FIELD_PRESETS: Record<'ski_lodge' | 'scenic_area', FieldConfig> = {
  ski_lodge: {
    landline: 'optional',
    addressProvince: 'required',
    addressDetail: 'optional',
    emergencyName: 'required',
    skiDiscipline: 'required',
    skiAbility: 'required',
    skierType: 'optional',
    heightCm: 'optional',
    weightKg: 'optional',
    bootMondo: 'optional',
    stance: 'optional',
    helmet: 'optional',
    lessons: 'optional',
    remarks: 'optional',
  },
  scenic_area: {
    landline: 'hidden',
    addressProvince: 'required',
    addressDetail: 'optional',
    emergencyName: 'optional',
    skiDiscipline: 'hidden',
    skiAbility: 'hidden',
    skierType: 'hidden',
    heightCm: 'hidden',
    weightKg: 'hidden',
    bootMondo: 'hidden',
    stance: 'hidden',
    helmet: 'hidden',
    lessons: 'hidden',
    remarks: 'optional',
  },
};

let emptyOnce: IntakeFields | undefined;
/**
 * An empty intake (every default). Parsed once and copied after: the walk-in form asks for it on
 * every keystroke, and a parse costs more than the rest of that keystroke's validation (issue 12).
 */
export function emptyIntakeFields(): IntakeFields {
  emptyOnce ??= intakeFieldsSchema.parse({});
  return { ...emptyOnce };
}
