import { describe, expect, it } from 'vitest';
import { emptyIntakeFields } from './intake/fields';
import { maskAddress, maskBirthDate, maskIdNumber, maskIntakeFields, maskMobile, maskName, unmaskUnchanged } from './masking';

describe('masking', () => {
  it('masks resident ID numbers to the first 2 and last 2 (no region, no birth date)', () => {
    expect(maskIdNumber('110105194912311234')).toBe('11**************34');
    expect(maskIdNumber('H12345678')).toBe('H1*****78');
    expect(maskIdNumber('1234567')).toBe('*****67');
  });

  it('masks mobiles to the segment and the last 2 digits (the city block and the rest hidden)', () => {
    expect(maskMobile('13812345678')).toBe('138******78');
  });

  it('keeps the surname only', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('John Smith')).toBe('J*** S****');
  });

  it('shows the birth date as its year', () => {
    expect(maskBirthDate('1949-12-31')).toBe('1949');
    expect(maskBirthDate('')).toBe('');
  });

  it('shows the address down to the district only', () => {
    expect(maskAddress({ province: '吉林省', city: '吉林市', district: '船营区', detail: '松江路 88 号' })).toBe('吉林省吉林市船营区****');
    expect(maskAddress({ province: '北京市', city: '市辖区', district: '朝阳区' })).toBe('北京市朝阳区');
  });

  it('takes a field still showing its mask as unchanged, and a typed value as typed', () => {
    const stored = { ...emptyIntakeFields(), name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X', birthDate: '1949-12-31' };
    const onScreen = { ...maskIntakeFields(stored), mobile: '13812345670', skiAbility: 'beginner' as const };
    expect(onScreen).toMatchObject({ name: '李*', idNumber: '11**************2X', birthDate: '1949' });
    expect(unmaskUnchanged(onScreen, stored)).toEqual({ ...stored, mobile: '13812345670', skiAbility: 'beginner' });
  });
});
