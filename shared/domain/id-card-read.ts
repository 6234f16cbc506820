/**
 * What an ID card reader types. Counter readers of the second-generation resident ID card (and of
 * the residence permits with the same number layout) emulate a keyboard ("wedge"): one line ending
 * in Enter, either the bare 18-character number or the card's fields joined by a separator the
 * reader is set to (`|`, Tab, `,`, `;` or `^`), in the card's order: name, gender, ethnicity, birth
 * date, address, number, issuing authority, validity. Fields are recognised by their content, not
 * their position, so a reader set to another order or to fewer fields reads as well.
 *
 * Pure: no I/O; the date the ID's birth date is checked against is passed in
 * (docs/decisions/0019-id-card-readers.md).
 */
import { normalizeDocumentInput, parseIdentityNumber, type Gender } from './identity';
import { nameIssue, normalizeName } from './names';

export interface CardRead {
  /** The 18-character number, normalised (half-width digits, upper-case X). */
  idNumber: string;
  /** The birth date and gender the number encodes (the card's own fields must agree). */
  birthDate: string;
  gender: Gender;
  name?: string;
  /** The address printed on the card (住址), as one line. */
  address?: string;
}

const SEPARATORS = /[|\t,;^，；｜]/;
const GENDERS: Record<string, Gender> = { 男: 'male', 女: 'female', M: 'male', F: 'female', MALE: 'male', FEMALE: 'female' };
/** A date, or a validity period (two dates), as readers print them. */
const DATE = /^\d{4}[-./年]?\d{1,2}[-./月]?\d{1,2}日?$/;
const PERIOD = /^\d{4}[-./]?\d{2}[-./]?\d{2}\s*[-—~至]\s*(\d{4}[-./]?\d{2}[-./]?\d{2}|长期)$/;
/** The issuing authority (签发机关) ends like this; it is not the address. */
const AUTHORITY = /(公安局|分局|出入境管理局|移民管理局|公安厅)$/;
/** Ethnicity on the card is a short name (汉, 蒙古, 朝鲜族...). */
const ETHNICITY = /^[\u4e00-\u9fff]{1,4}族?$/;

function isoDate(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  if (digits.length !== 8) return null;
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/**
 * Parse one line a reader typed (without its Enter). Null when the line holds no valid ID number,
 * or when its printed birth date or gender contradicts the number (a garbled read is not a read).
 */
export function parseCardRead(line: string, options: { today?: Date } = {}): CardRead | null {
  const parts = line
    .split(SEPARATORS)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  let found: { idNumber: string; birthDate: string; gender: Gender } | null = null;
  let printedGender: Gender | null = null;
  let printedBirth: string | null = null;
  const texts: string[] = [];
  for (const part of parts) {
    const compact = normalizeDocumentInput(part);
    if (!found && /^\d{17}[\dX]$/.test(compact)) {
      const id = parseIdentityNumber(compact, options.today ? { today: options.today } : {});
      if (!id.ok) return null;
      found = { idNumber: id.normalized, birthDate: id.birthDate, gender: id.gender };
      continue;
    }
    const gender = GENDERS[compact];
    if (gender && printedGender === null) {
      printedGender = gender;
      continue;
    }
    if (PERIOD.test(part)) continue;
    if (DATE.test(compact) || DATE.test(part)) {
      printedBirth ??= isoDate(part);
      continue;
    }
    texts.push(part);
  }
  if (!found) return null;
  if (printedGender !== null && printedGender !== found.gender) return null;
  if (printedBirth !== null && printedBirth !== found.birthDate) return null;

  const read: CardRead = { ...found };
  const rest = texts.filter((text) => !AUTHORITY.test(text));
  // The name comes first on the card; the address is the longest text left (ethnicity is short).
  const name = rest[0];
  if (name !== undefined && name.length <= 40 && nameIssue(normalizeName(name)) === null) {
    read.name = normalizeName(name);
    rest.shift();
  }
  const address = rest.filter((text) => !ETHNICITY.test(text)).sort((a, b) => b.length - a.length)[0];
  if (address !== undefined) read.address = address;
  return read;
}
