import { parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

/**
 * Phone numbers from anywhere (docs/decisions/0011-visitors-from-anywhere.md): libphonenumber-js with
 * its full ("max") metadata, so the type (mobile / fixed line) is known per country. Accepts what
 * counter staff type: spaces, hyphens, brackets, a leading `00` or `+`, full-width digits and the
 * full-width plus (libphonenumber does not map `＋` or full-width digits itself).
 */
export type PhoneResult =
  | { ok: true; e164: string; country: string /* ISO 3166-1 alpha-2 */; national: string; type: 'mobile' | 'fixed_line' | 'fixed_line_or_mobile' | 'other' }
  | { ok: false; reason: 'empty' | 'too_short' | 'too_long' | 'invalid_country' | 'invalid' };

/** Full-width digits, plus, hyphen and brackets to ASCII; the ideographic space to a space. */
function toHalfWidth(input: string): string {
  return input.replace(/[\uFF08\uFF09\uFF0B\uFF0D\uFF10-\uFF19]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

function lengthReason(reason: string | undefined): 'too_short' | 'too_long' | 'invalid_country' | 'invalid' {
  if (reason === 'TOO_SHORT') return 'too_short';
  if (reason === 'TOO_LONG') return 'too_long';
  if (reason === 'INVALID_COUNTRY') return 'invalid_country';
  return 'invalid';
}

export function normalizePhone(input: string, defaultCountry = 'CN'): PhoneResult {
  // Empty means nothing typed; punctuation alone is typed, and is not a number.
  if (toHalfWidth(input).trim() === '') return { ok: false, reason: 'empty' };
  let value = toHalfWidth(input).replace(/[\s\-‐‑–—.]/g, '');
  if (!/\d/.test(value)) return { ok: false, reason: 'invalid' };
  // A leading 00 is the international prefix in China and most of the world; say so for any default country.
  value = value.replace(/^\(?00(?=[1-9])/, (match) => (match.startsWith('(') ? '(+' : '+'));
  // "+44 (0)20 …": the bracketed trunk 0 is dialled only from inside the country.
  value = value.replace(/^(\+\d{1,3})\(0\)/, '$1');
  const country = /^[A-Za-z]{2}$/.test(defaultCountry) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(value, country === undefined ? undefined : { defaultCountry: country });
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, reason: error.message === 'NOT_A_NUMBER' ? 'invalid' : lengthReason(error.message) };
    throw error;
  }
  if (!parsed.isValid()) {
    const length = validatePhoneNumberLength(value, country === undefined ? undefined : { defaultCountry: country });
    return { ok: false, reason: lengthReason(length) };
  }
  // Valid but not in any one country (+800 freephone, +882 networks): not a number a visitor is reached on.
  if (parsed.country === undefined) return { ok: false, reason: 'invalid_country' };
  const kind = parsed.getType();
  const type = kind === 'MOBILE' ? 'mobile' : kind === 'FIXED_LINE' ? 'fixed_line' : kind === 'FIXED_LINE_OR_MOBILE' ? 'fixed_line_or_mobile' : 'other';
  return { ok: true, e164: parsed.number, country: parsed.country, national: parsed.nationalNumber, type };
}

/**
 * Mainland mobile numbers: whatever staff or customers type (spaces, hyphens, brackets, full-width
 * digits, +86 / 0086 / 86) normalised to 11 digits `1[3-9]xxxxxxxxx` and E.164. Landlines are a
 * separate field with their own rule (`normalizeLandline`).
 */
/** A complete mainland mobile number as typed (11 digits starting with 1), e.g. to move on to the next field. */
export const COMPLETE_MOBILE = /^1\d{10}$/;

export type MobileResult = { ok: true; national: string; e164: string } | { ok: false; reason: 'empty' | 'not_digits' | 'landline' | 'length' | 'prefix' };

function clean(input: string): string {
  return input.replace(/[\uFF10-\uFF19\uFF0B]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000\-‐–—－().（）]/g, '');
}

export function normalizeMobile(input: string): MobileResult {
  let value = clean(input);
  if (value === '') return { ok: false, reason: 'empty' };
  if (value.startsWith('+86')) value = value.slice(3);
  else if (value.startsWith('0086')) value = value.slice(4);
  else if (value.startsWith('86') && value.length === 13) value = value.slice(2);
  if (!/^\d+$/.test(value)) return { ok: false, reason: 'not_digits' };
  if (value.startsWith('0')) return { ok: false, reason: 'landline' };
  if (value.length !== 11) return { ok: false, reason: 'length' };
  if (!/^1[3-9]\d{9}$/.test(value)) return { ok: false, reason: 'prefix' };
  return { ok: true, national: value, e164: `+86${value}` };
}

export type LandlineResult = { ok: true; normalized: string } | { ok: false; reason: 'empty' | 'format' };

/** Landline: area code 0 + 2–3 digits, then 7–8 digits, optional extension. Stored as `0xx-xxxxxxxx[-ext]`. */
export function normalizeLandline(input: string): LandlineResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'empty' };
  const value = trimmed
    .replace(/[\uFF08\uFF09\uFF0B\uFF0D\uFF10-\uFF19]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]/g, '')
    .replace(/^(?:\+86|0086)-?(?=\(?0)/, '');
  const match = /^\(?(0\d{2,3})\)?-?(\d{7,8})(?:(?:-|转|ext\.?|x)(\d{1,6}))?$/i.exec(value);
  if (!match) return { ok: false, reason: 'format' };
  return { ok: true, normalized: [match[1], match[2], match[3]].filter(Boolean).join('-') };
}
