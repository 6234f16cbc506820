/**
 * Personal names as people really write them (issue 11): Chinese names, Latin names with spaces,
 * hyphens and apostrophes, and transliterated names joined by a middle dot (迪丽热巴·迪力木拉提). The
 * middle dot is typed in several look-alikes (Japanese katakana dot, bullet, hyphenation point,
 * half-width katakana dot, dot operators); all are stored as U+00B7 so that search finds the name
 * however it was typed. Emoji, symbols and control characters are refused.
 */

/** Look-alikes of the middle dot people type in names: ・ • ‧ ･ ∙ ⋅ ● and the full-width ．-free forms. */
const MIDDLE_DOTS = /[\u30FB\u2022\u2027\uFF65\u2219\u22C5\u25CF\u0387\u16EB\u2E31]/g;

/** The middle dot as stored. */
export const MIDDLE_DOT = '\u00B7';

/** Trim, collapse spaces (including the ideographic space) and store every middle-dot variant as U+00B7. */
export function normalizeName(input: string): string {
  return input
    .replace(MIDDLE_DOTS, MIDDLE_DOT)
    .replace(/[\s\u3000]+/g, ' ')
    .replace(/\s*\u00B7\s*/g, MIDDLE_DOT)
    .trim();
}

/** Letters of any script (with their combining marks), spaces, the middle dot, hyphen, apostrophe and full stop. */
const NAME_CHARS = /^[\p{L}\p{M} \u00B7'’.-]+$/u;

/** Why a normalised name is not acceptable, or null. */
export function nameIssue(name: string): 'name_has_digits' | 'name_invalid_chars' | null {
  if (/\p{Nd}/u.test(name)) return 'name_has_digits';
  if (!NAME_CHARS.test(name)) return 'name_invalid_chars';
  // A dot or hyphen only joins parts of a name.
  if (/^[\u00B7'’.-]|[\u00B7-]$|[\u00B7]{2,}/u.test(name)) return 'name_invalid_chars';
  return null;
}

/** A search query as typed: full-width digits and letters to ASCII, middle-dot variants to U+00B7. */
export function normalizeQuery(input: string): string {
  return input.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0B]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0)).replace(MIDDLE_DOTS, MIDDLE_DOT);
}
