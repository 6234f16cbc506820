// Issue 9, the data-loss blocker: a repeat visit records only the fields it carries; an empty field
// is "not asked" and never erases; clearing is its own act; approval order does not decide who wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type FieldName, type IntakeFields } from '../../shared/domain/intake/fields';
import { expectOk, staffedDesk, type RpcClient } from '../support/desk';

let desk: Awaited<ReturnType<typeof staffedDesk>>;
let a: RpcClient;
let b: RpcClient;
let lead: RpcClient;

const FULL: IntakeFields = {
  ...emptyIntakeFields(),
  name: '赵雪松', mobile: '13812340001', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区',
  addressDetail: '松江东路 88 号', emergencyName: '赵强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner',
  heightCm: '168', weightKg: '55', bootMondo: '25.5', stance: 'regular', remarks: '左膝旧伤', helmet: true,
};

async function submit(client: RpcClient, fields: IntakeFields, customerId: string | null, cleared: FieldName[] = []) {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  return expectOk(await client.call('intake.submit', { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId, customerPresent: true, cleared }));
}

async function approve(intakeId: string): Promise<void> {
  expect(expectOk(await b.call('review.decide', { intakeId, decision: 'cross_check_passed' })).status).toBe('pending_lead_approval');
  expect(expectOk(await lead.call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('valid');
}

/** Only what a repeat visit says: the rest of the form left empty. */
const visit = (values: Partial<IntakeFields>): IntakeFields => ({ ...emptyIntakeFields(), ...values });

async function revealMobile(customerId: string): Promise<string> {
  return expectOk(await desk.manager.call('customers.reveal', { id: customerId, field: 'mobile', reason: '核对测试数据' })).value;
}

beforeAll(async () => {
  desk = await staffedDesk([['staff.a', 'specialist'], ['staff.b', 'specialist'], ['lead.l', 'group_lead']]);
  a = desk.client('staff.a');
  b = desk.client('staff.b');
  lead = desk.client('lead.l');
});

afterAll(async () => {
  await desk.close();
});

describe('a repeat visit', () => {
  it('keeps every first-visit field and takes the new phone; history names the visit', async () => {
    const first = await submit(a, FULL, null);
    await approve(first.intakeId);
    const second = await submit(a, visit({ name: '赵雪松', mobile: '13812340002', idNumber: '11010519491231002X' }), first.customerId);
    const detail = expectOk(await b.call('review.intake', { intakeId: second.intakeId }));
    expect(detail.marks).toMatchObject({ mobile: 'changed', name: 'confirmed', idNumber: 'confirmed' });
    expect(detail.marks.addressCity).toBeUndefined();
    await approve(second.intakeId);

    const card = expectOk(await a.call('customers.card', { id: first.customerId }));
    for (const field of ['addressCity', 'addressDistrict', 'heightCm', 'weightKg', 'bootMondo', 'stance', 'remarks', 'skiDiscipline'] as const) {
      expect(card.fields[field], field).toBe(FULL[field]);
    }
    expect(card.fields['helmet']).toBe(true);
    expect(await revealMobile(first.customerId)).toBe('13812340002');
    const mobileBy = card.history.filter((entry) => entry.field === 'mobile').map((entry) => entry.intakeId);
    expect(mobileBy).toContain(first.intakeId);
    expect(mobileBy[mobileBy.length - 1]).toBe(second.intakeId);
    expect(new Set(card.history.filter((entry) => entry.field === 'addressCity').map((entry) => entry.intakeId))).toEqual(new Set([first.intakeId]));
  });

  it('clears a stored value only when asked to, and review shows it as cleared', async () => {
    const first = await submit(a, { ...FULL, name: '钱雪原', mobile: '13812340011', idNumber: '110105198001010016' }, null);
    await approve(first.intakeId);
    const second = await submit(a, visit({ name: '钱雪原', mobile: '13812340011', idNumber: '110105198001010016' }), first.customerId, ['remarks']);
    expect(expectOk(await b.call('review.intake', { intakeId: second.intakeId })).marks).toMatchObject({ remarks: 'cleared', mobile: 'confirmed' });
    await approve(second.intakeId);
    const card = expectOk(await a.call('customers.card', { id: first.customerId }));
    expect(card.fields['remarks']).toBe('');
    expect(card.fields['heightCm']).toBe('168');
  });

  it.each([
    ['B then A', ['b', 'a'], '110105198001010032', '孙雪峰'],
    ['A then B (queue order of a bulk approval)', ['a', 'b'], '110105198001010059', '李雪峰'],
  ] as const)('two visits captured A then B and approved %s show B’s values', async (_label, order, idNumber, name) => {
    const ids = { name, idNumber };
    const first = await submit(a, { ...FULL, ...ids, mobile: `1381234${idNumber.slice(-4)}` }, null);
    await approve(first.intakeId);
    const visitA = await submit(a, visit({ ...ids, mobile: '13812340022', heightCm: '170' }), first.customerId);
    const visitB = await submit(a, visit({ ...ids, mobile: '13812340023', heightCm: '172' }), first.customerId);
    const byName = { a: visitA.intakeId, b: visitB.intakeId };
    if (order[0] === 'a') {
      // A bulk approval takes the lead's queue as listed.
      const listed = expectOk(await lead.call('review.queues')).crossCheck.map((item) => item.intakeId).filter((id) => id === byName.a || id === byName.b);
      expect(listed.sort()).toEqual([byName.a, byName.b].sort());
    }
    for (const which of order) await approve(byName[which]);
    const card = expectOk(await a.call('customers.card', { id: first.customerId }));
    expect(card.fields['heightCm']).toBe('172');
    expect(card.fields['remarks']).toBe(FULL.remarks);
    expect(await revealMobile(first.customerId)).toBe('13812340023');
  });
});
