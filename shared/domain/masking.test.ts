import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskMobile, maskName } from './masking';

describe('masking (docs/product.md examples)', () => {
  it('masks ID numbers to the first 3 and last 4', () => {
    expect(maskIdNumber('110105194912311234')).toBe('110***********1234');
    expect(maskIdNumber('H12345678')).toBe('H12**5678');
  });

  it('masks mobiles to 138****5678', () => {
    expect(maskMobile('13812345678')).toBe('138****5678');
  });

  it('keeps the surname only', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('欧阳娜娜')).toBe('欧阳**');
    expect(maskName('John Smith')).toBe('J*** S****');
  });

  it('shows the address down to the district only', () => {
    expect(maskAddress({ province: '吉林省', city: '吉林市', district: '船营区', detail: '松江路 88 号' })).toBe('吉林省吉林市船营区****');
    expect(maskAddress({ province: '北京市', city: '市辖区', district: '朝阳区' })).toBe('北京市朝阳区');
  });
});
