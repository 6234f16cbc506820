import { describe, expect, it } from 'vitest';
import { emptyIntakeFields } from '../intake/fields';
import { applyBlankOnForm, blankMarkRefusal } from './blank-on-form';

describe('blank on form (表上未填)', () => {
  const fields = { ...emptyIntakeFields(), name: '赵纸表', mobile: '' };
  it('lifts "required" from a required field that is empty, and nothing else', () => {
    const result = applyBlankOnForm({ mobile: { code: 'required' }, emergencyMobile: { code: 'mobile_too_short' } }, fields, ['mobile'], { idConsent: false });
    expect(result.errors).toEqual({ emergencyMobile: { code: 'mobile_too_short' } });
    expect(result.refused).toEqual({});
  });
  it('refuses a mark on a filled field, on a field that is not required, and on the ID number when its consent is ticked', () => {
    expect(blankMarkRefusal('name', undefined, fields, { idConsent: false })).toBe('blank_on_form_not_blank');
    expect(blankMarkRefusal('remarks', undefined, fields, { idConsent: false })).toBe('blank_on_form_not_required');
    expect(blankMarkRefusal('idNumber', { code: 'required' }, fields, { idConsent: true })).toBe('blank_on_form_id_consent');
    expect(blankMarkRefusal('idNumber', { code: 'required' }, fields, { idConsent: false })).toBeNull();
    const result = applyBlankOnForm({ idNumber: { code: 'required' } }, fields, ['idNumber', 'name'], { idConsent: true });
    expect(result.refused).toEqual({ idNumber: 'blank_on_form_id_consent', name: 'blank_on_form_not_blank' });
    expect(result.errors).toEqual({ idNumber: { code: 'blank_on_form_id_consent' }, name: { code: 'blank_on_form_not_blank' } });
  });
});
