import { describe, expect, it } from 'vitest';
import { defaultConsent, validateConsent } from './consent';
import { FIELD_PRESETS, emptyIntakeFields, type IntakeFields } from './fields';
import { revalidateChanged, validateIntake } from './validate';

const TODAY = new Date(2026, 10, 22);
const ski = FIELD_PRESETS.ski_lodge;
const complete = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '李雪',
  mobile: '138 1234 5678',
  idNumber: '11010519491231002x',
  addressProvince: '吉林省',
  emergencyName: '李强',
  emergencyMobile: '13900001111',
  skiDiscipline: 'ski',
  skiAbility: 'beginner',
  ...overrides,
});

describe('validateIntake', () => {
  it('accepts a complete walk-in and fills birth date, gender and age from the ID', () => {
    const result = validateIntake(complete(), ski, TODAY);
    expect(result.errors).toEqual({});
    expect(result.derived).toEqual({ birthDate: '1949-12-31', gender: 'female', age: 76, minor: false });
    expect(result.normalized).toMatchObject({ mobile: '13812345678', idNumber: '11010519491231002X', birthDate: '1949-12-31', gender: 'female' });
  });

  it('names each missing or wrong field with a precise code', () => {
    const result = validateIntake(complete({ name: '', mobile: '1381234567', idNumber: '110105194912310021', skiAbility: '' }), ski, TODAY);
    expect(result.errors).toEqual({
      name: { code: 'required' },
      mobile: { code: 'mobile_length' },
      idNumber: { code: 'id_checksum' },
      skiAbility: { code: 'required' },
    });
  });

  it('requires a guardian for a customer under 14, and the guardian’s consent', () => {
    const child = complete({ idNumber: '110105201503010010' });
    const result = validateIntake(child, ski, TODAY);
    expect(result.derived.minor).toBe(true);
    expect(result.errors).toMatchObject({ guardianName: { code: 'guardian_required' }, guardianMobile: { code: 'guardian_required' } });
    expect(validateConsent({ ...defaultConsent(), idConsent: true }, { minor: true, hasIdNumber: true })).toEqual({ guardianConsent: 'consent_guardian_required' });
    const withGuardian = validateIntake({ ...child, guardianName: '王芳', guardianMobile: '13700001111' }, ski, TODAY);
    expect(withGuardian.errors).toEqual({});
  });

  it('hides what a scenic-area site does not collect', () => {
    const result = validateIntake(complete({ skiDiscipline: '', skiAbility: '', bootMondo: '99' }), FIELD_PRESETS.scenic_area, TODAY);
    expect(result.errors).toEqual({});
  });

  it('checks ski measurements against plausible ranges', () => {
    const result = validateIntake(complete({ heightCm: '17', bootMondo: '26.3' }), ski, TODAY);
    expect(result.errors).toEqual({ heightCm: { code: 'number_range', params: { min: 50, max: 250 } }, bootMondo: { code: 'boot_range', params: { min: 15, max: 33 } } });
  });

  it('needs a typed birth date for a passport holder', () => {
    const passport = complete({ idType: 'foreign_passport', idNumber: 'X1234567' });
    expect(validateIntake(passport, ski, TODAY).errors).toEqual({ birthDate: { code: 'required' } });
    expect(validateIntake({ ...passport, birthDate: '1990-02-30' }, ski, TODAY).errors).toEqual({ birthDate: { code: 'birth_date_invalid' } });
    expect(validateIntake({ ...passport, birthDate: '1990-02-28' }, ski, TODAY).derived.age).toBe(36);
  });

  it('requires the separate consent for the ID number', () => {
    expect(validateConsent(defaultConsent(), { minor: false, hasIdNumber: true })).toEqual({ idConsent: 'consent_id_required' });
  });
});

describe('visitors from outside the mainland (issue 11)', () => {
  const visitor = (overrides: Partial<IntakeFields> = {}): IntakeFields =>
    complete({ name: 'John Smith', nationality: 'GB', mobile: '+44 7400 123456', idType: 'foreign_passport', idNumber: '123456789', birthDate: '1980-05-01', gender: 'male', addressCountry: 'GB', addressProvince: '', addressDetail: '10 Downing Street, London', ...overrides });

  it('takes a +44 phone, a nationality and an address abroad without a province', () => {
    const result = validateIntake(visitor(), ski, TODAY);
    expect(result.errors).toEqual({});
    expect(result.normalized).toMatchObject({ mobile: '+447400123456', nationality: 'GB', addressCountry: 'GB', addressProvince: '' });
  });

  it('takes a Hong Kong phone typed with 00 for a mainland-address customer', () => {
    const result = validateIntake(complete({ mobile: '00852 9123 4567' }), ski, TODAY);
    expect(result.errors).toEqual({});
    expect(result.normalized.mobile).toBe('+85291234567');
  });

  it('still requires the province for a mainland address, and the address text for one abroad', () => {
    expect(validateIntake(complete({ addressProvince: '' }), ski, TODAY).errors).toEqual({ addressProvince: { code: 'required' } });
    expect(validateIntake(visitor({ addressDetail: '' }), ski, TODAY).errors).toEqual({ addressDetail: { code: 'required' } });
  });

  it('names a foreign phone that does not check out, and an unknown region', () => {
    expect(validateIntake(visitor({ mobile: '+44 20' }), ski, TODAY).errors).toEqual({ mobile: { code: 'phone_too_short' } });
    expect(validateIntake(visitor({ nationality: 'ZZ' }), ski, TODAY).errors).toMatchObject({ nationality: { code: 'region_unknown' } });
    // A mainland customer's short number keeps its precise mainland message.
    expect(validateIntake(complete({ mobile: '1381234567' }), ski, TODAY).errors).toEqual({ mobile: { code: 'mobile_length' } });
  });
});

describe('revalidateChanged (a keystroke checks the field it changed)', () => {
  const scenic = FIELD_PRESETS.scenic_area;
  const withLandline = { ...ski, landline: 'required' as const, heightCm: 'required' as const, remarks: 'required' as const };
  // Each step is one edit as typed; after every step the incremental result must be the whole form's.
  const steps: Array<Partial<IntakeFields>> = [
    { name: '李' }, { name: '李雪' }, { name: '' }, { name: '   ' }, { name: '李雪1' }, { name: 'x'.repeat(60) }, { name: '李雪' },
    { landline: '0431' }, { landline: '0431-88881234' }, { landline: '' },
    { heightCm: '17' }, { heightCm: '170' }, { heightCm: '170.5' }, { weightKg: '9' }, { weightKg: '60' }, { bootMondo: '26.3' }, { bootMondo: '26.5' }, { bootMondo: '' },
    { remarks: '需要儿童滑雪板' }, { remarks: 'r'.repeat(501) }, { remarks: '' },
    // Fields others depend on: the whole form runs (the ID fills the birth date; a phone's nationality).
    { idNumber: '11010520200101001' }, { idNumber: '110105202001010015' }, { name: '王小' }, { mobile: '1381234' }, { mobile: '13812345678' }, { nationality: 'US' }, { name: 'John Smith' },
  ];
  for (const [configName, config] of [['ski lodge', ski], ['scenic area', scenic], ['landline, height and remarks required', withLandline]] as const) {
    it(`gives the whole form's result after every edit (${configName})`, () => {
      let fields = complete();
      let result = validateIntake(fields, config, TODAY);
      let incrementalRuns = 0;
      for (const step of steps) {
        const next = { ...fields, ...step };
        const incremental = revalidateChanged(result, fields, next, config, TODAY);
        const whole = validateIntake(next, config, TODAY);
        expect(incremental).toEqual(whole);
        if (incremental.derived === result.derived) incrementalRuns += 1;
        fields = next;
        result = incremental;
      }
      // Most of these edits touched one self-contained field: those did not run the whole form.
      expect(incrementalRuns).toBeGreaterThanOrEqual(20);
    });
  }

  it('keeps the previous result when nothing changed, and runs the whole form for a field others depend on', () => {
    const fields = complete();
    const result = validateIntake(fields, ski, TODAY);
    expect(revalidateChanged(result, fields, { ...fields }, ski, TODAY)).toBe(result);
    const minor = revalidateChanged(result, fields, { ...fields, idNumber: '110105202001010015' }, ski, TODAY);
    expect(minor.derived.minor).toBe(true);
    expect(minor.errors.guardianName).toEqual({ code: 'guardian_required' });
  });
});
