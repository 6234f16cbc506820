import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/api/envelope';
import { INTAKE_SOURCES } from '../../../shared/domain/intake/sources';
import en from './en.json';
import zhCN from './zh-CN.json';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key));
}

describe('message catalogs', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('name every intake source in plain words wherever a source is shown (no raw code such as paper_form)', () => {
    for (const source of INTAKE_SOURCES) {
      for (const catalog of [zhCN, en]) {
        expect(catalog.search.source[source], `search.source.${source}`).toBeTruthy();
        expect(catalog.review.source[source], `review.source.${source}`).toBeTruthy();
      }
    }
  });

  it('explain every error code the core can return, in both languages', () => {
    for (const code of ERROR_CODES) {
      expect(zhCN.error[code], code).toBeTruthy();
      expect(en.error[code], code).toBeTruthy();
    }
  });
});
