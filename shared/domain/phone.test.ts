/**
 * Mobile numbers. Sources: MIIT numbering plan (电信网编号计划, mobile prefixes 13x–19x); ITU-T
 * E.164 country code +86; common written forms seen on registration forms.
 */
import { describe, expect, it } from 'vitest';
import { normalizeLandline, normalizeMobile, normalizePhone } from './phone';

describe('normalizeMobile', () => {
  it('accepts the forms staff and customers write', () => {
    for (const input of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '0086 13812345678', '8613812345678', '(+86)138-1234-5678', '１３８１２３４５６７８']) {
      expect(normalizeMobile(input), input).toEqual({ ok: true, national: '13812345678', e164: '+8613812345678' });
    }
  });

  it('accepts every current mobile prefix 13–19', () => {
    for (const prefix of ['13', '14', '15', '16', '17', '18', '19']) expect(normalizeMobile(`${prefix}912345678`).ok).toBe(true);
  });

  it('explains what is wrong', () => {
    expect(normalizeMobile('')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizeMobile('1381234567')).toEqual({ ok: false, reason: 'length' });
    expect(normalizeMobile('12812345678')).toEqual({ ok: false, reason: 'prefix' });
    expect(normalizeMobile('010-12345678')).toEqual({ ok: false, reason: 'landline' });
    expect(normalizeMobile('138abc45678')).toEqual({ ok: false, reason: 'not_digits' });
  });
});

describe('normalizeLandline', () => {
  it('accepts area code + number with an optional extension', () => {
    expect(normalizeLandline('(0432) 6255 1234')).toEqual({ ok: true, normalized: '0432-62551234' });
    expect(normalizeLandline('010-12345678-123')).toEqual({ ok: true, normalized: '010-12345678-123' });
    expect(normalizeLandline('12345678')).toEqual({ ok: false, reason: 'format' });
  });
});

describe('normalizePhone', () => {
  // Sources: ITU-T E.164 country codes; Ofcom's drama range 020 7946 0xxx; HK OFCA mobile 9xxx xxxx;
  // NANP 202-555-01xx fictional range; libphonenumber's own metadata for the types.
  it('reads what counter staff type, for the mainland and abroad', () => {
    const mainland = { ok: true, e164: '+8613812345678', country: 'CN', national: '13812345678', type: 'mobile' };
    for (const input of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '0086 13812345678', '8613812345678', '(+86)138-1234-5678', '１３８１２３４５６７８', '＋８６ １３８－１２３４－５６７８']) {
      expect(normalizePhone(input), input).toEqual(mainland);
    }
    expect(normalizePhone('+44 20 7946 0958')).toEqual({ ok: true, e164: '+442079460958', country: 'GB', national: '2079460958', type: 'fixed_line' });
    expect(normalizePhone('0044 (0)7400 123456')).toMatchObject({ ok: true, e164: '+447400123456', country: 'GB', type: 'mobile' });
    expect(normalizePhone('+852 9123 4567')).toEqual({ ok: true, e164: '+85291234567', country: 'HK', national: '91234567', type: 'mobile' });
    expect(normalizePhone('(202) 555-0143', 'US')).toEqual({ ok: true, e164: '+12025550143', country: 'US', national: '2025550143', type: 'fixed_line_or_mobile' });
    expect(normalizePhone('0044 20 7946 0958', 'US')).toMatchObject({ ok: true, country: 'GB' });
    expect(normalizePhone('010-6255 1234')).toEqual({ ok: true, e164: '+861062551234', country: 'CN', national: '1062551234', type: 'fixed_line' });
    expect(normalizePhone('400 123 4567')).toMatchObject({ ok: true, type: 'other' });
  });

  it('says what is wrong without guessing', () => {
    expect(normalizePhone('')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizePhone(' \u3000 ')).toEqual({ ok: false, reason: 'empty' });
    expect(normalizePhone('-')).toEqual({ ok: false, reason: 'invalid' });
    expect(normalizePhone('(+44) 20 7946 0958')).toMatchObject({ ok: true, e164: '+442079460958' });
    expect(normalizePhone('+886 912 345 678')).toMatchObject({ ok: true, country: 'TW', type: 'mobile' });
    expect(normalizePhone('07400 123456', 'GB')).toMatchObject({ ok: true, e164: '+447400123456', country: 'GB' });
    expect(normalizePhone('12')).toEqual({ ok: false, reason: 'too_short' });
    expect(normalizePhone('+44 20')).toEqual({ ok: false, reason: 'too_short' });
    expect(normalizePhone('138123456789012345678')).toEqual({ ok: false, reason: 'too_long' });
    expect(normalizePhone('+999 1234 5678')).toEqual({ ok: false, reason: 'invalid_country' });
    expect(normalizePhone('13812345678', 'XX')).toEqual({ ok: false, reason: 'invalid_country' });
    expect(normalizePhone('12812345678')).toEqual({ ok: false, reason: 'invalid' });
    expect(normalizePhone('phone')).toEqual({ ok: false, reason: 'invalid' });
  });
});
