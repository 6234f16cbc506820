// Issue 11 item 10: fix-and-resubmit goes through the same validation as entry: a province, city or
// district that is not a place (火星区) is refused, naming the field, at entry and at resubmit alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { expectOk, staffedDesk } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
const consent = { ...defaultConsent(), idConsent: true };
const base: IntakeFields = {
  ...emptyIntakeFields(),
  name: '韩雪原', mobile: '13812348801', idNumber: '11010519491231002X',
  addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区',
  emergencyName: '单强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
};

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist']]);
});

afterAll(async () => {
  await desk?.close();
});

describe('fix-and-resubmit is validated like entry', () => {
  it('refuses a made-up place at entry, naming the field', async () => {
    const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
    const result = await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields: { ...base, addressProvince: '火星省' }, consent, customerId: null, customerPresent: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.fields).toMatchObject({ addressProvince: 'place_unknown' });
  });

  it('refuses 火星区 as a district and an unknown province at resubmit, and keeps a valid fix', async () => {
    const draft = expectOk(await desk.client('staff.a').call('intake.draft.start', { customerId: null }));
    const { intakeId } = expectOk(await desk.client('staff.a').call('intake.submit', { draftId: draft.id, fields: base, consent, customerId: null, customerPresent: true }));
    expect(expectOk(await desk.client('staff.b').call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { addressDistrict: '区县不对' } })).status).toBe('returned');
    const detail = expectOk(await desk.client('staff.a').call('review.intake', { intakeId }));

    const district = await desk.client('staff.a').call('intake.resubmit', { intakeId, fields: { ...detail.fields, addressDistrict: '火星区' } });
    expect(district.ok).toBe(false);
    if (!district.ok) expect(district.error.fields).toMatchObject({ addressDistrict: 'place_unknown' });
    const province = await desk.client('staff.a').call('intake.resubmit', { intakeId, fields: { ...detail.fields, addressProvince: '火星', addressCity: '', addressDistrict: '' } });
    expect(province.ok).toBe(false);
    if (!province.ok) expect(province.error.fields).toMatchObject({ addressProvince: 'place_unknown' });

    expect(expectOk(await desk.client('staff.a').call('intake.resubmit', { intakeId, fields: { ...detail.fields, addressDistrict: '昌邑区' } })).status).toBe('pending_cross_check');
    expect(expectOk(await desk.client('staff.a').call('review.intake', { intakeId })).fields.addressDistrict).toBe('昌邑区');
  });
});
