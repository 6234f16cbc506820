/**
 * Search keys for a customer, kept inside the encrypted database: normalised mobile and ID (exact),
 * their last four digits, the name, and its pinyin in full and as initials — every reading of a
 * polyphonic character, with the surname reading of the first one (pinyin-pro).
 */
import { pinyin } from 'pinyin-pro';

export type SearchKind = 'mobile' | 'mobile4' | 'id' | 'id4' | 'name' | 'pinyin' | 'initials';
export interface SearchKey {
  kind: SearchKind;
  term: string;
}

const MAX_READINGS = 16;

/** Readings per character (and surname position): a bounded set (the Han characters), asked for per name. */
const readingsCache = new Map<string, string[]>();

function readingsOf(char: string, isSurname: boolean): string[] {
  const cacheKey = isSurname ? `s${char}` : char;
  const cached = readingsCache.get(cacheKey);
  if (cached) return cached;
  let found: string[];
  if (!/\p{Script=Han}/u.test(char)) found = [char.toLowerCase()];
  else {
    const readings = new Set<string>(pinyin(char, { toneType: 'none', type: 'array', multiple: true }));
    if (isSurname) for (const reading of pinyin(char, { toneType: 'none', type: 'array', surname: 'head' })) readings.add(reading);
    found = [...readings].filter(Boolean);
  }
  if (readingsCache.size >= 50_000) readingsCache.clear();
  readingsCache.set(cacheKey, found);
  return found;
}

/** Every full-pinyin spelling of a name (capped), e.g. 曾乐 → zengle, cengle, zengyue, … */
export function pinyinSpellings(name: string): string[] {
  const chars = [...name.replace(/[\s·]/g, '')];
  let spellings: string[][] = [[]];
  chars.forEach((char, index) => {
    const readings = readingsOf(char, index === 0);
    spellings = spellings.flatMap((prefix) => readings.map((reading) => [...prefix, reading])).slice(0, MAX_READINGS);
  });
  return spellings.map((parts) => parts.join(''));
}

export function initialsOf(name: string): string[] {
  const chars = [...name.replace(/[\s·]/g, '')];
  let spellings: string[] = [''];
  chars.forEach((char, index) => {
    const initials = [...new Set(readingsOf(char, index === 0).map((reading) => reading[0] ?? ''))];
    spellings = spellings.flatMap((prefix) => initials.map((initial) => prefix + initial)).slice(0, MAX_READINGS);
  });
  return spellings;
}

export function searchKeysFor(customer: { name: string; mobile: string; idNumber: string }): SearchKey[] {
  const keys: SearchKey[] = [];
  const name = customer.name.trim();
  if (name) {
    keys.push({ kind: 'name', term: name.toLowerCase() });
    for (const term of pinyinSpellings(name)) keys.push({ kind: 'pinyin', term });
    for (const term of initialsOf(name)) keys.push({ kind: 'initials', term });
  }
  if (customer.mobile) {
    keys.push({ kind: 'mobile', term: customer.mobile }, { kind: 'mobile4', term: customer.mobile.slice(-4) });
  }
  if (customer.idNumber) {
    keys.push({ kind: 'id', term: customer.idNumber }, { kind: 'id4', term: customer.idNumber.slice(-4) });
  }
  const seen = new Set<string>();
  return keys.filter((key) => {
    const id = `${key.kind}:${key.term}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
