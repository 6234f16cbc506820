/**
 * Mobile numbers. Sources: MIIT numbering plan (电信网编号计划, mobile prefixes 13x–19x); ITU-T
 * E.164 country code +86; common written forms seen on registration forms.
 */
import { describe, expect, it } from 'vitest';
import { normalizeLandline, normalizeMobile } from './phone';

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
