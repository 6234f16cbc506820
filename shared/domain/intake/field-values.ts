/**
 * The choices and length limits of the intake fields, without zod: what the customer's online page
 * bundles (docs/decisions/0014-online-submissions.md). ./fields.ts re-exports all of it.
 */
import { TRAVEL_DOCUMENT_TYPES } from '../identity';

export const ID_TYPES = ['cn_resident_id', ...TRAVEL_DOCUMENT_TYPES] as const;
export type IdType = (typeof ID_TYPES)[number];

export const SKI_DISCIPLINES = ['ski', 'snowboard', 'both'] as const;
export const SKI_ABILITIES = ['first_time', 'beginner', 'intermediate', 'advanced', 'expert'] as const;
/** ISO 11088 skier type used for binding release settings. */
export const SKIER_TYPES = ['I', 'II', 'III'] as const;
export const STANCES = ['regular', 'goofy'] as const;
export const GRADES = ['ordinary', 'vip'] as const;
export const GENDERS = ['male', 'female', 'unspecified'] as const;

/**
 * The most characters each text field of a record may hold: the one number the zod schema in ./fields.ts
 * enforces (core and renderer) and the form puts in the input's `maxLength`. Document numbers and
 * phone numbers leave room for the spaces and dashes people type; they are normalised on submit.
 */
export const TEXT_LIMITS = {
  name: 50,
  mobile: 20,
  landline: 20,
  idNumber: 24,
  birthDate: 10,
  addressProvince: 40,
  addressCity: 40,
  addressDistrict: 40,
  addressDetail: 100,
  emergencyName: 50,
  emergencyMobile: 20,
  heightCm: 6,
  weightKg: 6,
  bootMondo: 6,
  remarks: 500,
  guardianName: 50,
  guardianMobile: 20,
} as const;
export type TextFieldName = keyof typeof TEXT_LIMITS;
