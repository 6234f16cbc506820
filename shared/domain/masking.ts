/**
 * Masking for the screen (docs/decisions/0007-masks-that-do-not-add-up.md): personal data is
 * masked by default; showing it in full is a deliberate, audited act in the core. The masks are
 * chosen together so that nothing one screen or one RPC answer shows narrows a resident ID number
 * to fewer than 1,000 candidates: the ID keeps its first 2 and last 2 characters (province, gender
 * digit, check character), the birth date its year only (never beside an age), the address its
 * district, a mobile its segment and last 2 digits.
 */
import type { FieldName, IntakeFields } from './intake/fields';

const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '钟离', '西门', '南宫', '端木', '独孤'];

/**
 * `110105194912310021` → `11**************21`: province, gender digit and check character only
 * (never the region, birth date or the rest of the sequence). Other documents keep the same 2 + 2
 * when long enough, the last 2 when short, nothing when very short.
 */
export function maskIdNumber(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  if (value.length <= 8) return `${'*'.repeat(value.length - 2)}${value.slice(-2)}`;
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
}

/**
 * `13812345678` → `138******78`. The four digits after the segment name the home city's HLR block
 * (10,000 numbers each), so beside a visible city `138****5678` would leave only that city's few
 * dozen blocks; hiding two more digits leaves a hundred numbers per block.
 */
export function maskMobile(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 5)}${value.slice(-2)}`;
}

/** `张三` → `张*`, `张三丰` → `张**`, `欧阳娜娜` → `欧阳**`, `John Smith` → `J*** S****`. */
export function maskName(value: string): string {
  const name = value.trim();
  if (name === '') return '';
  if (/^[\p{Script=Han}·]+$/u.test(name)) {
    const chars = [...name];
    const keep = chars.length > 2 && COMPOUND_SURNAMES.some((surname) => name.startsWith(surname)) ? 2 : 1;
    return chars.slice(0, keep).join('') + '*'.repeat(Math.max(1, chars.length - keep));
  }
  return name
    .split(/\s+/)
    .map((part) => [...part][0] + '*'.repeat(Math.max(1, [...part].length - 1)))
    .join(' ');
}

/** `1949-12-31` → `1949`: the year only, never together with an age (year + age narrows the day). */
export function maskBirthDate(value: string): string {
  return /^\d{4}/.test(value) ? value.slice(0, 4) : value === '' ? '' : '****';
}

/** `0431-88881234` → `0431****`: the area code only. */
export function maskLandline(value: string): string {
  return value ? `${value.slice(0, 4)}****` : '';
}

/** A street address is hidden whole; the district above it stays visible. */
export function maskAddressDetail(value: string): string {
  return value ? '****' : '';
}

export interface AddressParts {
  province?: string | undefined;
  city?: string | undefined;
  district?: string | undefined;
  detail?: string | undefined;
}

/** Down to the district only: `吉林省吉林市船营区` + `****` when there is a street address. */
export function maskAddress(address: AddressParts): string {
  const region = [address.province, address.city, address.district].filter((part) => part && part !== '市辖区').join('');
  return address.detail ? `${region}****` : region;
}

/** Every personal field of a customer record; the others (grade, ski details, province…) are shown as they are. */
export const MASKED_FIELDS = ['name', 'mobile', 'landline', 'idNumber', 'birthDate', 'addressDetail', 'emergencyName', 'emergencyMobile', 'guardianName', 'guardianMobile'] as const satisfies readonly FieldName[];
export type MaskedField = (typeof MASKED_FIELDS)[number];

/** How each personal field is shown masked. */
export const FIELD_MASKS: Record<MaskedField, (value: string) => string> = {
  name: maskName,
  mobile: maskMobile,
  landline: maskLandline,
  idNumber: maskIdNumber,
  birthDate: maskBirthDate,
  addressDetail: maskAddressDetail,
  emergencyName: maskName,
  emergencyMobile: maskMobile,
  guardianName: maskName,
  guardianMobile: maskMobile,
};

export function isMaskedField(field: string): field is MaskedField {
  return Object.hasOwn(FIELD_MASKS, field);
}

/** One field's value as it may be shown without a reveal. */
export function maskField(field: string, value: string | boolean): string | boolean {
  return typeof value === 'string' && isMaskedField(field) ? FIELD_MASKS[field](value) : value;
}

/** A whole record as it may be shown without a reveal. */
export function maskIntakeFields(fields: IntakeFields): IntakeFields {
  const masked: Record<string, string | boolean> = { ...fields };
  for (const field of MASKED_FIELDS) masked[field] = FIELD_MASKS[field](fields[field]);
  return masked as IntakeFields;
}

/**
 * A masked record comes back from the screen (a fix, a correction): every personal field still
 * showing exactly its mask is unchanged and takes the stored value; anything else was typed and is
 * taken as typed. A mask is never a valid value itself (it holds `*`, or is a bare year), so a real
 * entry cannot be mistaken for one.
 */
export function unmaskUnchanged(incoming: IntakeFields, stored: IntakeFields): IntakeFields {
  const merged: Record<string, string | boolean> = { ...incoming };
  for (const field of MASKED_FIELDS) {
    const value = stored[field];
    if (value !== '' && incoming[field] === FIELD_MASKS[field](value)) merged[field] = value;
  }
  return merged as IntakeFields;
}
