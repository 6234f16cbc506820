/**
 * The fields of a customer record as captured by an intake, flat so that every field has one name
 * in the form, the op log (per-field history) and the review notes. Which optional fields a site
 * shows and requires is site configuration (presets below).
 */
import { z } from 'zod';
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

/** Everything a walk-in form can hold; all strings while typing, parsed on submit. */
export const intakeFieldsSchema = z.object({
  name: z.string().default(''),
  mobile: z.string().default(''),
  landline: z.string().default(''),
  idType: z.enum(ID_TYPES).default('cn_resident_id'),
  idNumber: z.string().default(''),
  birthDate: z.string().default(''),
  gender: z.enum(GENDERS).default('unspecified'),
  addressProvince: z.string().default(''),
  addressCity: z.string().default(''),
  addressDistrict: z.string().default(''),
  addressDetail: z.string().default(''),
  emergencyName: z.string().default(''),
  emergencyMobile: z.string().default(''),
  skiDiscipline: z.enum(['', ...SKI_DISCIPLINES]).default(''),
  skiAbility: z.enum(['', ...SKI_ABILITIES]).default(''),
  skierType: z.enum(['', ...SKIER_TYPES]).default(''),
  heightCm: z.string().default(''),
  weightKg: z.string().default(''),
  bootMondo: z.string().default(''),
  stance: z.enum(['', ...STANCES]).default(''),
  helmet: z.boolean().default(false),
  lessons: z.boolean().default(false),
  grade: z.enum(GRADES).default('ordinary'),
  remarks: z.string().default(''),
  guardianName: z.string().default(''),
  guardianMobile: z.string().default(''),
});
export type IntakeFields = z.infer<typeof intakeFieldsSchema>;
export type FieldName = keyof IntakeFields;

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

export function emptyIntakeFields(): IntakeFields {
  return intakeFieldsSchema.parse({});
}
