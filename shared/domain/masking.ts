/**
 * Masking for the screen (docs/product.md "Finding, masking and correcting"): personal data is
 * masked by default; showing it in full is a deliberate, logged act in the core.
 */
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐', '钟离', '西门', '南宫', '端木', '独孤'];

/** `110105194912310021` → `110***********0021`; other lengths keep 3 + 4 (or less when short). */
export function maskIdNumber(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  if (value.length <= 8) return `${'*'.repeat(value.length - 4)}${value.slice(-4)}`;
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}

/** `13812345678` → `138****5678`. */
export function maskMobile(value: string): string {
  if (value.length < 7) return '*'.repeat(value.length);
  return `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
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
