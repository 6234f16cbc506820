/**
 * Identity numbers against public test vectors.
 * Sources:
 * - GB 11643-1999 《公民身份号码》, Appendix examples: 11010519491231002X, 440524188001010014.
 * - GB 11643-1999 §8 / widely reproduced 15→18 upgrade example: 610104620927690 → 610104196209276908.
 * - 国务院办公厅《港澳台居民居住证申领发放办法》(2018) and 公安部 announcement: address codes
 *   810000 / 820000 / 830000; the sample Hong Kong resident card number 810000199408230021.
 * - 国家移民管理局 2023 foreigner's permanent residence ID: 18 digits starting with 9, then the
 *   issuing province code, a 3-digit nationality code, birth date, sequence, MOD 11-2 check.
 * - ISO 7064:2003 MOD 11-2 — the reference function below computes check characters with the
 *   standard's recursive form, independently of the weight table in the implementation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, normalizeDocumentInput, parseIdentityNumber, parseTravelDocument } from './identity';

const TODAY = new Date(2026, 10, 22);
const parse = (input: string) => parseIdentityNumber(input, { today: TODAY });

/** ISO 7064 MOD 11-2, recursive form: p = ((p + digit) * 2) mod 11, check = (12 - p) mod 11. */
function iso7064Mod112(digits: string): string {
  let p = 0;
  for (const digit of digits) p = ((p + Number(digit)) * 2) % 11;
  const check = (12 - p) % 11;
  return check === 10 ? 'X' : String(check);
}

describe('parseIdentityNumber — GB 11643 resident ID', () => {
  it('accepts the standard’s examples and reads birth date and gender', () => {
    expect(parse('11010519491231002X')).toEqual({ ok: true, kind: 'cn_resident', normalized: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', upgradedFrom15: false, warnings: [] });
    expect(parse('440524188001010014')).toMatchObject({ ok: true, kind: 'cn_resident', birthDate: '1880-01-01', gender: 'male' });
  });

  it('upgrades the 15-digit form to 18 digits', () => {
    expect(parse('610104620927690')).toMatchObject({ ok: true, normalized: '610104196209276908', birthDate: '1962-09-27', gender: 'female', upgradedFrom15: true });
  });

  it('normalises full-width characters, spaces, hyphens and a lower-case x', () => {
    expect(parse('１１０１０５ 1949-1231 002x')).toMatchObject({ ok: true, normalized: '11010519491231002X' });
    expect(normalizeDocumentInput('ｈ１２３４ ５６７８')).toBe('H12345678');
  });

  it('names a wrong check character and says what it should be', () => {
    expect(parse('110105194912310021')).toEqual({ ok: false, reason: 'checksum', expected: 'X' });
  });

  it('refuses impossible and future birth dates, and years before 1800', () => {
    const withCheck = (first17: string) => first17 + iso7064Mod112(first17);
    expect(parse(withCheck('11010519490231002'))).toEqual({ ok: false, reason: 'birth_date' });
    expect(parse(withCheck('11010520300101002'))).toEqual({ ok: false, reason: 'birth_date' });
    expect(parse(withCheck('11010517991231002'))).toEqual({ ok: false, reason: 'birth_date' });
    expect(parse(withCheck('11010518000101002'))).toMatchObject({ ok: true, birthDate: '1800-01-01' });
  });

  it('refuses an unknown province prefix, but only warns about an unknown county code', () => {
    const withCheck = (first17: string) => first17 + iso7064Mod112(first17);
    expect(parse(withCheck('99010519491231002').replace(/^9/, '0'))).toMatchObject({ ok: false, reason: 'region' });
    expect(parse(withCheck('10010519491231002'))).toEqual({ ok: false, reason: 'region' });
    expect(parse(withCheck('11019919491231002'))).toMatchObject({ ok: true, warnings: ['county_unknown'] });
  });

  it('refuses the wrong shape', () => {
    for (const input of ['', '1101051949123100', '11010519491231002Y', 'abc']) expect(parse(input)).toEqual({ ok: false, reason: 'format' });
  });

  it('agrees with the ISO 7064 reference on every 17-digit body', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(1900, 0, 1), max: new Date(2020, 11, 31), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }), (birth, sequence) => {
        const body = `110105${birth.getFullYear()}${String(birth.getMonth() + 1).padStart(2, '0')}${String(birth.getDate()).padStart(2, '0')}${String(sequence).padStart(3, '0')}`;
        const result = parse(body + iso7064Mod112(body));
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.gender).toBe(sequence % 2 === 1 ? 'male' : 'female');
      }),
    );
  });
});

describe('parseIdentityNumber — permits and foreigners', () => {
  it('recognises Hong Kong, Macau and Taiwan residence permits (810000/820000/830000)', () => {
    expect(parse('810000199408230021')).toMatchObject({ ok: true, kind: 'hk_mo_tw_residence_permit', birthDate: '1994-08-23', gender: 'female' });
    for (const prefix of ['820000', '830000']) {
      const body = `${prefix}19800101001`;
      expect(parse(body + iso7064Mod112(body))).toMatchObject({ ok: true, kind: 'hk_mo_tw_residence_permit', gender: 'male' });
    }
  });

  it('recognises the 2023 foreigner’s permanent residence ID starting with 9', () => {
    const body = '93303619810114902'; // 9, Zhejiang (33), nationality 036, 1981-01-14, sequence 902
    expect(parse(body + iso7064Mod112(body))).toMatchObject({ ok: true, kind: 'foreign_permanent_resident', birthDate: '1981-01-14', gender: 'female' });
    const badProvince = '90003619810114902';
    expect(parse(badProvince + iso7064Mod112(badProvince))).toEqual({ ok: false, reason: 'region' });
  });
});

describe('parseTravelDocument', () => {
  it('checks the format of each travel document', () => {
    expect(parseTravelDocument('hk_mo_permit', 'h1234 5678')).toEqual({ ok: true, type: 'hk_mo_permit', normalized: 'H12345678' });
    expect(parseTravelDocument('hk_mo_permit', 'M1234567801').ok).toBe(true);
    expect(parseTravelDocument('hk_mo_permit', 'X12345678').ok).toBe(false);
    expect(parseTravelDocument('tw_permit', '12345678').ok).toBe(true);
    expect(parseTravelDocument('cn_passport', 'E12345678').ok).toBe(true);
    expect(parseTravelDocument('cn_passport', 'EA1234567').ok).toBe(true);
    expect(parseTravelDocument('cn_passport', 'EI1234567').ok).toBe(false);
    expect(parseTravelDocument('foreign_passport', 'x1234567').ok).toBe(true);
    expect(parseTravelDocument('foreign_permanent_resident_old', 'USA330106790228').ok).toBe(true);
    expect(parseTravelDocument('foreign_permanent_resident_old', 'US3301067902281').ok).toBe(false);
  });
});

describe('ageOn', () => {
  it('counts whole years, turning over on the birthday', () => {
    expect(ageOn('2012-11-22', TODAY)).toBe(14);
    expect(ageOn('2012-11-23', TODAY)).toBe(13);
  });
});
