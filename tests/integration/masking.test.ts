// Masking on every path (issue 8, items 8 and 9), over the real RPC path: a record under review
// and a correction come out masked for every role; values come out one field at a time, audited;
// and nothing any role sees without a reveal narrows the customer's ID below 1,000 candidates.
import { BACKUP_METHODS } from '../../shared/api/backup-contract';
import { describe, expect, it } from 'vitest';
import { METHODS, type MethodName } from '../../shared/api/contract';
import type { RpcResult } from '../../shared/api/envelope';
import { checkCharacter } from '../../shared/domain/identity';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, intakeFieldsSchema, type IntakeFields } from '../../shared/domain/intake/fields';
import { emptyVisible, idCandidates, visibleIn, type Visible } from '../support/id-candidates';
import { expectOk, signedIn, staffedDesk, type RpcClient } from '../support/desk';

/** The day the counter takes as today (birth dates after it are impossible); never the real date. */
const TODAY = new Date(Date.UTC(2026, 11, 6));
const FIRST17 = '22020419870315001'; // 吉林省吉林市船营区, 1987-03-15, sequence 001 (male)
const ID = FIRST17 + checkCharacter(FIRST17);
const CUSTOMER: IntakeFields = {
  ...emptyIntakeFields(),
  name: '赵明远',
  mobile: '13912345678',
  idNumber: ID,
  addressProvince: '吉林省',
  addressCity: '吉林市',
  addressDistrict: '船营区',
  addressDetail: '松江东路 88 号',
  emergencyName: '赵强',
  emergencyMobile: '13900001111',
  skiDiscipline: 'ski',
  skiAbility: 'beginner',
};
/** Values that must never appear in an answer without a reveal. */
const SECRETS = [ID, '13912345678', '赵明远', '1987-03-15', '19870315', '松江东路', '13900001111', '赵强'];

async function enter(client: RpcClient, values: IntakeFields): Promise<string> {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  return expectOk(await client.call('intake.submit', { draftId: draft.id, fields: values, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
}

const refusal = (result: RpcResult<unknown>): string => (result.ok ? 'ok' : String(result.error.details?.['refusal'] ?? result.error.code));

/**
 * A desk with an enterer (m.a), the cross-checker the lead assigns (m.b), another certified
 * specialist (m.c), an uncertified specialist (m.u), a lead, a supervisor and a maintainer; m.a
 * has entered CUSTOMER and the lead has assigned the cross-check to m.b.
 */
async function maskingDesk() {
  const desk = await staffedDesk([['m.a', 'specialist'], ['m.b', 'specialist'], ['m.c', 'specialist'], ['m.lead', 'group_lead'], ['m.sup', 'supervisor'], ['m.maint', 'maintainer']]);
  expectOk(await desk.manager.call('staff.create', { username: 'm.u', displayName: 'm.u', role: 'specialist', certified: false, password: 'Password123', passwordSetByStaff: true }));
  const uncertified = await signedIn(desk.desk, 'm.u');
  const intakeId = await enter(desk.client('m.a'), CUSTOMER);
  expectOk(await desk.client('m.lead').call('review.assign', { intakeId, staffId: desk.ids['m.b']! }));
  const [customer] = expectOk(await desk.manager.call('customers.search', { query: CUSTOMER.mobile }));
  const clients: Record<string, RpcClient> = {
    enterer: desk.client('m.a'),
    assignedChecker: desk.client('m.b'),
    otherSpecialist: desk.client('m.c'),
    uncertified,
    lead: desk.client('m.lead'),
    manager: desk.manager,
    supervisor: desk.client('m.sup'),
    maintainer: desk.client('m.maint'),
  };
  return {
    ...desk,
    intakeId,
    customerId: customer!.id,
    clients,
    close: async () => {
      uncertified.close();
      await desk.close();
    },
  };
}

async function auditOf(manager: RpcClient, action: string) {
  return expectOk(await manager.call('audit.list', { limit: 200 })).filter((entry) => entry.action === action);
}

describe('a record under review leaves the core masked (item 8)', () => {
  it('shows every reviewing role masks only, the uncertified included, and no value in full anywhere in the answer', async () => {
    const desk = await maskingDesk();
    for (const [who, client] of Object.entries(desk.clients)) {
      const result = await client.call('review.intake', { intakeId: desk.intakeId });
      if (!result.ok) {
        expect(result.error.code, who).toBe('FORBIDDEN'); // supervisor and maintainer do not review
        continue;
      }
      expect(result.value.fields, who).toMatchObject({ name: '赵**', mobile: '139******78', idNumber: `22**************${ID.slice(-2)}`, birthDate: '1987', addressDetail: '****', emergencyName: '赵*', emergencyMobile: '139******11' });
      for (const secret of SECRETS) expect(JSON.stringify(result.value), `${who} sees ${secret}`).not.toContain(secret);
    }
    expect(expectOk(await desk.clients['uncertified']!.call('review.intake', { intakeId: desk.intakeId })).reveal).toEqual({ mode: 'none', fields: [] });
    await desk.close();
  });

  it('lets the assigned cross-checker reveal one field with one key and no typed reason, audited with the assignment as the reason', async () => {
    const desk = await maskingDesk();
    const checker = desk.clients['assignedChecker']!;
    const detail = expectOk(await checker.call('review.intake', { intakeId: desk.intakeId }));
    expect(detail.reveal.mode).toBe('key');
    expect(detail.reveal.fields).toEqual(expect.arrayContaining(['name', 'mobile', 'idNumber', 'birthDate', 'addressDetail']));
    expect(expectOk(await checker.call('review.reveal', { intakeId: desk.intakeId, field: 'idNumber' }))).toEqual({ value: ID });
    // One field per reveal: the record itself stays masked.
    expect(expectOk(await checker.call('review.intake', { intakeId: desk.intakeId })).fields.mobile).toBe('139******78');
    const [entry] = await auditOf(desk.manager, 'review.reveal');
    expect(entry).toMatchObject({ staffId: desk.ids['m.b'], target: desk.intakeId, details: { field: 'idNumber', basis: 'assigned_check' } });
    await desk.close();
  });

  it('refuses a reveal to the enterer, a colleague it is not assigned to and uncertified staff, and asks others for a reason', async () => {
    const desk = await maskingDesk();
    for (const who of ['enterer', 'otherSpecialist', 'uncertified']) {
      const client = desk.clients[who]!;
      expect(expectOk(await client.call('review.intake', { intakeId: desk.intakeId })).reveal.mode, who).toBe('none');
      expect(refusal(await client.call('review.reveal', { intakeId: desk.intakeId, field: 'mobile', reason: '核对客户信息' })), who).toBe('reveal_not_allowed');
    }
    for (const who of ['supervisor', 'maintainer']) expect(refusal(await desk.clients[who]!.call('review.reveal', { intakeId: desk.intakeId, field: 'mobile', reason: '核对客户信息' })), who).toBe('FORBIDDEN');
    const lead = desk.clients['lead']!;
    expect(expectOk(await lead.call('review.intake', { intakeId: desk.intakeId })).reveal.mode).toBe('reason');
    const noReason = await lead.call('review.reveal', { intakeId: desk.intakeId, field: 'mobile' });
    expect(noReason.ok ? 'ok' : noReason.error.fields).toEqual({ reason: 'reason_too_short' });
    expect(expectOk(await lead.call('review.reveal', { intakeId: desk.intakeId, field: 'mobile', reason: '客户来电核对' }))).toEqual({ value: CUSTOMER.mobile });
    const reveals = await auditOf(desk.manager, 'review.reveal');
    expect(reveals.map((entry) => entry.details)).toEqual([{ field: 'mobile', basis: 'reason', reason: '客户来电核对' }]);
    await desk.close();
  });

  it('lets the enterer of a returned record reveal only the noted fields, and keeps every field left masked on resubmit', async () => {
    const desk = await maskingDesk();
    const [enterer, checker] = [desk.clients['enterer']!, desk.clients['assignedChecker']!];
    expectOk(await checker.call('review.decide', { intakeId: desk.intakeId, decision: 'cross_check_failed', notes: { mobile: '最后一位应为 9' } }));
    const returned = expectOk(await enterer.call('review.intake', { intakeId: desk.intakeId }));
    expect(returned.reveal).toEqual({ mode: 'key', fields: ['mobile'] });
    expect(refusal(await enterer.call('review.reveal', { intakeId: desk.intakeId, field: 'idNumber' }))).toBe('reveal_not_allowed');
    expect(expectOk(await enterer.call('review.reveal', { intakeId: desk.intakeId, field: 'mobile' }))).toEqual({ value: CUSTOMER.mobile });
    // The screen sends back what it shows: masks everywhere except the retyped mobile.
    expectOk(await enterer.call('intake.resubmit', { intakeId: desk.intakeId, fields: { ...returned.fields, mobile: '13912345679' } }));
    const again = expectOk(await checker.call('review.intake', { intakeId: desk.intakeId }));
    expect(again.changedSinceCheck).toEqual({ mobile: { before: '139******78', after: '139******79' } });
    expect(expectOk(await checker.call('review.reveal', { intakeId: desk.intakeId, field: 'idNumber' })).value).toBe(ID);
    expect(expectOk(await checker.call('review.reveal', { intakeId: desk.intakeId, field: 'name' })).value).toBe(CUSTOMER.name);
    await desk.close();
  });
});

describe('a correction opens masked (item 8)', () => {
  it('returns the record masked, reveals what is being corrected (audited), and keeps unchanged fields on submit', async () => {
    const desk = await maskingDesk();
    const [enterer, checker, lead] = [desk.clients['enterer']!, desk.clients['assignedChecker']!, desk.clients['lead']!];
    expectOk(await checker.call('review.decide', { intakeId: desk.intakeId, decision: 'cross_check_passed' }));
    expectOk(await lead.call('review.decide', { intakeId: desk.intakeId, decision: 'lead_approved' }));
    const corrector = desk.clients['otherSpecialist']!;
    const draft = expectOk(await corrector.call('intake.draft.start', { customerId: desk.customerId, source: 'correction', reason: '客户要求更正手机号' }));
    for (const secret of SECRETS) expect(JSON.stringify(draft), secret).not.toContain(secret);
    expect(draft.fields).toMatchObject({ mobile: '139******78', idNumber: `22**************${ID.slice(-2)}`, birthDate: '1987', addressProvince: '吉林省' });
    expect(draft.masked).toEqual(expect.arrayContaining(['name', 'mobile', 'idNumber', 'birthDate', 'addressDetail', 'emergencyName', 'emergencyMobile']));
    const restored = expectOk(await corrector.call('intake.draft.current'));
    for (const secret of SECRETS) expect(JSON.stringify(restored), secret).not.toContain(secret);

    expect(expectOk(await corrector.call('intake.draft.reveal', { id: draft.id, field: 'mobile' }))).toEqual({ value: CUSTOMER.mobile });
    const [revealed] = await auditOf(desk.manager, 'intake.correction_reveal');
    expect(revealed).toMatchObject({ staffId: desk.ids['m.c'], target: desk.customerId, details: { field: 'mobile' } });
    expect(refusal(await enterer.call('intake.draft.reveal', { id: draft.id, field: 'idNumber' }))).toBe('NOT_FOUND'); // someone else's draft
    const uncertified = await desk.clients['uncertified']!.call('intake.draft.start', { customerId: desk.customerId, source: 'correction', reason: '客户要求更正手机号' });
    expect(uncertified.ok ? 'ok' : uncertified.error.code).toBe('FORBIDDEN');

    // Saved and submitted as shown: masks everywhere but the new mobile.
    const onScreen = { ...draft.fields, mobile: '13912340000' };
    expectOk(await corrector.call('intake.draft.save', { id: draft.id, fields: onScreen, consent: { ...defaultConsent(), idConsent: true }, customerId: desk.customerId }));
    expect(expectOk(await corrector.call('intake.draft.current'))?.fields.mobile).toBe('139******00'); // kept, and masked again
    const corrected = expectOk(await corrector.call('intake.submit', { draftId: draft.id, fields: onScreen, consent: { ...defaultConsent(), idConsent: true }, customerId: desk.customerId, customerPresent: true }));
    const check = desk.clients['assignedChecker']!;
    expect(expectOk(await check.call('review.reveal', { intakeId: corrected.intakeId, field: 'idNumber' })).value).toBe(ID);
    expect(expectOk(await check.call('review.reveal', { intakeId: corrected.intakeId, field: 'addressDetail' })).value).toBe(CUSTOMER.addressDetail);
    expect(expectOk(await check.call('review.reveal', { intakeId: corrected.intakeId, field: 'mobile' })).value).toBe('13912340000');
    await desk.close();
  });
});

// ---- Item 9: masks must not add up ----------------------------------------------------------

/** Keys that carry customer or intake data in an output schema. */
const PERSONAL_KEYS = new Set([...Object.keys(intakeFieldsSchema.shape), 'birthYear', 'customerName', 'history', 'changedSinceCheck', 'value']);

function personalKeysIn(schema: unknown, seen = new Set<unknown>()): string[] {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return [];
  const found: string[] = [];
  if (def['type'] === 'object') {
    for (const [key, child] of Object.entries(def['shape'] as Record<string, unknown>)) {
      if (PERSONAL_KEYS.has(key)) found.push(key);
      found.push(...personalKeysIn(child, seen));
    }
  }
  for (const [key, value] of Object.entries(def)) {
    if (key === 'shape') continue;
    for (const child of Array.isArray(value) ? value : [value]) found.push(...personalKeysIn(child, seen));
  }
  return found;
}

/**
 * Masked mobiles in an answer: the 4 digits after the segment (the HLR block, which names the city)
 * and at least 2 more must be hidden, so a visible city leaves ≥ 100 numbers per block.
 */
function mobileLeaks(answer: unknown): string[] {
  const masks = JSON.stringify(answer).match(/"1[\d*]{10}"/g) ?? [];
  return masks.map((quoted) => quoted.slice(1, -1)).filter((mobile) => mobile.includes('*') && (/\d/.test(mobile.slice(3, 7)) || (mobile.match(/\d/g) ?? []).length > 5));
}

/** Methods whose whole purpose is one audited value in full; they are the reveal, not a mask. */
// `online.load` hands the customer's own submission to the walk-in form in full, claimed and audited.
const REVEALS: MethodName[] = ['customers.reveal', 'review.reveal', 'intake.draft.reveal', 'online.load'];
/** A transcription draft holds only what this person typed from the paper in front of them, like a walk-in draft. */
const OWN_TYPING: MethodName[] = ['paper.transcribe.open'];
// Answers about online submissions need a central server and a sealed submission: their masks (name,
// mobile; never the ID) are asserted in tests/integration/online-desk.test.ts.
const MASKED_ELSEWHERE: MethodName[] = ['online.queue'];

type Ctx = Awaited<ReturnType<typeof maskingDesk>>;
/** How to ask each method that returns a customer or an intake about the test customer (in this order). */
const CALLS: Partial<Record<MethodName, (ctx: Ctx) => unknown[]>> = {
  'customers.search': () => [{ query: CUSTOMER.mobile }, { query: ID.slice(-4) }, { query: '赵明远' }, { query: ID }],
  'customers.card': (ctx) => [{ id: ctx.customerId }],
  'intake.customerRecord': (ctx) => [{ customerId: ctx.customerId }],
  'intake.matches': () => [{ mobile: CUSTOMER.mobile }, { name: CUSTOMER.name, birthDate: '1987-03-15' }],
  'review.queues': () => [{}],
  // A cursor before every item: the whole queue again, as a next page.
  'review.queuePage': () => ['returnedToMe', 'crossCheck', 'leadApproval', 'finalReview', 'attention'].map((queue) => ({ queue, cursor: '0.0.a' })),
  'review.mine': () => [{}],
  'review.intake': (ctx) => [{ intakeId: ctx.intakeId }],
  'intake.draft.start': (ctx) => [{ customerId: ctx.customerId, source: 'correction', reason: '客户要求更正地址' }],
  'intake.draft.current': () => [{}],
};

describe('masks do not add up (item 9)', () => {
  it('tells a mobile mask that hides the city block from one that does not', () => {
    expect(mobileLeaks({ mobile: '138****5678' })).toEqual(['138****5678']);
    expect(mobileLeaks({ mobile: '138******78', history: [{ field: 'mobile', value: '139******00' }] })).toEqual([]);
  });

  it('counts candidates: a full ID or the old masks (first 3 + last 4, full birth date, district) leave one; the new masks thousands', () => {
    const district = { addressProvince: '吉林省', addressCity: '吉林市', addressDistrict: '船营区' };
    expect(idCandidates(visibleIn({ idNumber: ID }), TODAY)).toBe(1);
    expect(idCandidates(visibleIn({ idNumber: `220***********${ID.slice(-4)}`, birthDate: '1987-03-15', ...district }), TODAY)).toBeLessThanOrEqual(2);
    expect(idCandidates(visibleIn({ fields: { idNumber: `22**************${ID.slice(-2)}`, birthDate: '1987', gender: 'male', ...district } }), TODAY)).toBeGreaterThanOrEqual(1000);
    // Why an age is never shown beside the year: on 6 December 2026, born in 1987 and aged 38 means 7–31 December.
    expect(idCandidates(visibleIn({ idNumber: `22**************${ID.slice(-2)}`, birthDate: '1987', age: 38, ...district }), TODAY)).toBeLessThan(1000);
  });

  it('leaves at least 1,000 candidate IDs in everything each role sees without a reveal, over every method that returns a customer or an intake', async () => {
    // Backup answers name backup files (`name`), not customers; they carry counts, never a record.
    const aboutFiles = new Set<string>(Object.keys(BACKUP_METHODS));
    const exposing = (Object.keys(METHODS) as MethodName[]).filter((method) => !aboutFiles.has(method) && personalKeysIn(METHODS[method].output).length > 0);
    // Walking the contract: a new method that returns customer data must be added to CALLS (or be an audited reveal).
    expect(exposing.filter((method) => !(method in CALLS) && !REVEALS.includes(method) && !OWN_TYPING.includes(method) && !MASKED_ELSEWHERE.includes(method))).toEqual([]);
    expect(Object.keys(CALLS).filter((method) => !exposing.includes(method as MethodName))).toEqual([]);

    const desk = await maskingDesk();
    // A returned record with a changed field, so review answers carry a before/after diff too.
    expectOk(await desk.clients['assignedChecker']!.call('review.decide', { intakeId: desk.intakeId, decision: 'cross_check_failed', notes: { mobile: '最后一位应为 9' } }));
    const returned = expectOk(await desk.clients['enterer']!.call('review.intake', { intakeId: desk.intakeId }));
    expectOk(await desk.clients['enterer']!.call('intake.resubmit', { intakeId: desk.intakeId, fields: { ...returned.fields, mobile: '13912345679' } }));

    const answered = new Set<string>();
    for (const [who, client] of Object.entries(desk.clients)) {
      const together: Visible = emptyVisible();
      for (const [method, inputs] of Object.entries(CALLS) as Array<[MethodName, (ctx: Ctx) => unknown[]]>) {
        for (const input of inputs(desk)) {
          const result = await client.raw(method, input);
          if (!result.ok) continue;
          const text = JSON.stringify(result.value);
          if (!text.includes('赵*')) continue; // not about the test customer
          answered.add(method);
          expect(idCandidates(visibleIn(result.value), TODAY), `${who} ${method} ${JSON.stringify(input)}`).toBeGreaterThanOrEqual(1000);
          for (const secret of SECRETS) expect(text, `${who} ${method} shows ${secret}`).not.toContain(secret);
          expect(mobileLeaks(result.value), `${who} ${method}: mobiles showing their city block`).toEqual([]);
          visibleIn(result.value, together);
        }
      }
      // Everything this role can see, all screens together (a superset of any one screen).
      expect(idCandidates(together, TODAY), `${who}, all answers together`).toBeGreaterThanOrEqual(1000);
    }
    expect([...answered].sort()).toEqual(Object.keys(CALLS).sort());
    await desk.close();
  });
});
