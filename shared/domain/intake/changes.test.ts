import { describe, expect, it } from 'vitest';
import { captureOnly, carriedFields, changeKind, fieldChanges, isEmptyValue, mergeCapture } from './changes';
import { emptyIntakeFields, type IntakeFields } from './fields';

const stored: IntakeFields = {
  ...emptyIntakeFields(), name: '张雪', mobile: '13812345678', idNumber: '11010519491231002X', birthDate: '1949-12-31', gender: 'female', grade: 'vip',
  addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区', heightCm: '168', helmet: true, remarks: '旧伤',
};
const visit = (values: Partial<IntakeFields>): IntakeFields => ({ ...emptyIntakeFields(), ...values });

describe('field-level changes of a repeat visit', () => {
  it('treats an empty field, a default choice and an unticked box as "not asked"', () => {
    expect(isEmptyValue('remarks', '  ')).toBe(true);
    expect(isEmptyValue('grade', 'ordinary')).toBe(true);
    expect(isEmptyValue('helmet', false)).toBe(true);
    expect(isEmptyValue('grade', 'vip')).toBe(false);
  });

  it('carries what was typed, with the ID its type, birth date and gender, and the address as a whole', () => {
    const carried = carriedFields(visit({ mobile: '13900000000', idNumber: '11010519491231002X', addressProvince: '辽宁省' }), []);
    expect([...carried].sort()).toEqual(['addressCity', 'addressDistrict', 'addressProvince', 'birthDate', 'gender', 'idNumber', 'idType', 'mobile'].sort());
  });

  it('keeps every stored value the visit did not carry, and clears only what it marks', () => {
    const merged = mergeCapture(stored, visit({ mobile: '13900000000' }), ['remarks']);
    expect(merged).toEqual({ ...stored, mobile: '13900000000', remarks: '' });
    expect(merged.grade).toBe('vip');
    expect(merged.helmet).toBe(true);
  });

  it('records each carried field with the value it replaces, marks clears, and what it saw of sensitive fields', () => {
    const form = visit({ name: '张雪', mobile: '13900000000' });
    const carried = carriedFields(form, ['heightCm']);
    const changes = fieldChanges(stored, mergeCapture(stored, form, ['heightCm']), carried, ['heightCm'], { mobile: 'H1', name: 'H0' });
    expect(changes).toEqual({
      name: { value: '张雪', replaces: '张雪', seen: 'H0' },
      mobile: { value: '13900000000', replaces: '13812345678', seen: 'H1' },
      heightCm: { value: '', replaces: '168', cleared: true },
    });
    expect(changeKind(changes.name!)).toBe('confirmed');
    expect(changeKind(changes.mobile!)).toBe('changed');
    expect(changeKind(changes.heightCm!)).toBe('cleared');
    expect(changeKind({ value: 'x', replaces: '' })).toBe('new');
    expect(captureOnly(mergeCapture(stored, form, []), carriedFields(form, []))).toEqual(form);
  });
});
