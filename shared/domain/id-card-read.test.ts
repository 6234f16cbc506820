import { describe, expect, it } from 'vitest';
import { parseCardRead } from './id-card-read';

const today = new Date('2026-11-22T00:00:00Z');
const MALE = '220202199001011234';
const FEMALE = '220204201003050029';

describe('parseCardRead', () => {
  it('reads a bare number, in full-width digits too', () => {
    expect(parseCardRead(MALE, { today })).toEqual({ idNumber: MALE, birthDate: '1990-01-01', gender: 'male' });
    expect(parseCardRead('２２０２０４２０１００３０５００２９', { today })).toEqual({ idNumber: FEMALE, birthDate: '2010-03-05', gender: 'female' });
    expect(parseCardRead('22020420100305002x', { today })).toBeNull();
  });

  it('reads the card fields in the card order, whatever the separator', () => {
    const expected = { idNumber: MALE, birthDate: '1990-01-01', gender: 'male', name: '张伟', address: '吉林省吉林市昌邑区松江东路88号' };
    for (const separator of ['|', '\t', ',', ';', '^']) {
      const line = ['张伟', '男', '汉', '19900101', '吉林省吉林市昌邑区松江东路88号', MALE, '吉林市公安局昌邑分局', '20200101-20400101'].join(separator);
      expect(parseCardRead(line, { today })).toEqual(expected);
    }
  });

  it('reads a reader set to another order or to fewer fields, and names with a middle dot', () => {
    expect(parseCardRead(`${FEMALE}|迪丽热巴・迪力木拉提|女|维吾尔|2010年03月05日`, { today })).toEqual({ idNumber: FEMALE, birthDate: '2010-03-05', gender: 'female', name: '迪丽热巴·迪力木拉提' });
    expect(parseCardRead(`王芳,${FEMALE}`, { today })).toEqual({ idNumber: FEMALE, birthDate: '2010-03-05', gender: 'female', name: '王芳' });
  });

  it('refuses a line without a valid number, or whose printed gender or birth date contradicts it', () => {
    expect(parseCardRead('张伟|男|汉|19900101|吉林省吉林市', { today })).toBeNull();
    expect(parseCardRead('220202199001011235', { today })).toBeNull();
    expect(parseCardRead(`张伟|女|汉|19900101|${MALE}`, { today })).toBeNull();
    expect(parseCardRead(`张伟|男|汉|19900102|${MALE}`, { today })).toBeNull();
    expect(parseCardRead('13812345678', { today })).toBeNull();
  });
});
