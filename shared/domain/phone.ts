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
