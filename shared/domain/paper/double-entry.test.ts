import { describe, expect, it } from 'vitest';
import { emptyIntakeFields } from '../intake/fields';
import { compareTranscriptions, needsDoubleEntry, type Transcription } from './double-entry';

const boxes = { idConsent: true, guardianConsent: false, marketing: false };
const typed = (fields: Partial<Transcription['fields']>, customerId: string | null = null): Transcription => ({ fields: { ...emptyIntakeFields(), ...fields }, consent: boxes, customerId });

describe('blind double entry', () => {
  it('compares after normalisation: the same name, phone and ID typed two ways agree', () => {
    const a = typed({ name: '迪丽热巴·迪力木拉提', mobile: '13812345678', idNumber: '11010519491231002X', emergencyMobile: '13900001111', remarks: '租  双板' });
    const b = typed({ name: ' 迪丽热巴・迪力木拉提 ', mobile: '+86 138-1234-5678', idNumber: '11010519491231002x', emergencyMobile: '139 0000 1111', remarks: '租 双板' });
    const result = compareTranscriptions(a, b);
    expect(result.differing).toEqual([]);
    expect(result.compared).toEqual(expect.arrayContaining(['name', 'mobile', 'idNumber', 'emergencyMobile', 'remarks', 'consent.idConsent']));
    // Fields neither filled in are not counted as compared.
    expect(result.compared).not.toContain('landline');
    expect(result.compared).not.toContain('helmet');
  });

  it('names each field that differs, including a consent box and the returning customer chosen', () => {
    const a = typed({ name: '赵纸表', mobile: '13812345678' }, 'cus_0000000001');
    const b = { ...typed({ name: '赵纸标', mobile: '13812345678' }), consent: { ...boxes, marketing: true } };
    expect(compareTranscriptions(a, b).differing).toEqual(['name', 'consent.marketing', 'customerId']);
  });

  it('compares the "blank on form" marks: a blank marked against a typed value or an unmarked blank differs, two marks agree', () => {
    const marked = { ...typed({ name: '赵纸表' }), blankOnForm: ['mobile' as const] };
    expect(compareTranscriptions(marked, typed({ name: '赵纸表', mobile: '13812345678' })).differing).toEqual(['mobile']);
    expect(compareTranscriptions(marked, typed({ name: '赵纸表' })).differing).toEqual(['mobile']);
    const both = compareTranscriptions(marked, { ...typed({ name: '赵纸表' }), blankOnForm: ['mobile'] });
    expect(both.differing).toEqual([]);
  });

  it('picks the same share of sheets on every desk: all, none, or about the percent asked', () => {
    expect(needsDoubleEntry({ mode: 'every', percent: 1 }, 'B7', 3)).toBe(true);
    expect(needsDoubleEntry({ mode: 'none', percent: 99 }, 'B7', 3)).toBe(false);
    const picked = Array.from({ length: 1000 }, (_, i) => needsDoubleEntry({ mode: 'share', percent: 25 }, 'B7', i + 1)).filter(Boolean).length;
    expect(picked).toBeGreaterThan(200);
    expect(picked).toBeLessThan(300);
    expect(needsDoubleEntry({ mode: 'share', percent: 25 }, 'b7', 17)).toBe(needsDoubleEntry({ mode: 'share', percent: 25 }, 'B7', 17));
  });
});
