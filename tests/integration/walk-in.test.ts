// Walk-in entry in the core, over the real RPC path: drafts that survive a crash, validation,
// duplicates, submit into the cross-check queue, search, the masked card and an audited reveal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../shared/api/contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { TEST_CLOCK_START, connect, expectOk, setUpDesk, startDesk, waitForEvent, type RpcClient } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
let manager: RpcClient;
let specialist: RpcClient;

const fields = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '单雪',
  mobile: '138 1234 5678',
  idNumber: '11010519491231002X',
  addressProvince: '吉林省',
  emergencyName: '单强',
  emergencyMobile: '13900001111',
  skiDiscipline: 'ski',
  skiAbility: 'beginner',
  ...overrides,
});
const consent = { ...defaultConsent(), idConsent: true };

async function submit(client: RpcClient, values: IntakeFields, customerId: string | null = null) {
  const draft = expectOk(await client.call('intake.draft.start', { customerId }));
  expectOk(await client.call('intake.draft.save', { id: draft.id, fields: values, consent, customerId }));
  const input: MethodInput<'intake.submit'> = { draftId: draft.id, fields: values, consent, customerId, customerPresent: true };
  return client.call('intake.submit', input);
}

// Each test gets its own desk (no test relies on another's data or order).
beforeEach(async () => {
  desk = await startDesk();
  manager = await connect(desk);
  await setUpDesk(manager);
  expectOk(await manager.call('staff.create', { username: 'zhao.min', displayName: '赵敏', role: 'specialist', certified: true, password: 'Specialist1', passwordSetByStaff: true }));
  expectOk(await manager.call('staff.create', { username: 'new.hire', displayName: '新人', role: 'specialist', certified: false, password: 'Specialist1', passwordSetByStaff: true }));
  specialist = await connect(desk);
  expectOk(await specialist.call('auth.login', { username: 'zhao.min', password: 'Specialist1' }));
});

afterEach(async () => {
  manager.close();
  specialist.close();
  await desk.close();
});

describe('walk-in entry', () => {
  it('keeps a draft with every field typed across a core crash', async () => {
    const draft = expectOk(await specialist.call('intake.draft.start', { customerId: null }));
    const typed = fields({ name: '张三丰', remarks: '第一次来' });
    expectOk(await specialist.call('intake.draft.save', { id: draft.id, fields: typed, consent, customerId: null }));
    const restarted = new Promise<void>((resolve) => desk.supervisor.once('restarted', () => resolve()));
    await desk.supervisor.crashForTesting();
    await restarted;
    await waitForEvent(specialist, 'core.restarted');
    expectOk(await specialist.call('auth.login', { username: 'zhao.min', password: 'Specialist1' }));
    expectOk(await manager.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
    const restored = expectOk(await specialist.call('intake.draft.current'));
    expect(restored?.id).toBe(draft.id);
    expect(restored?.fields).toEqual(typed);
    expectOk(await specialist.call('intake.draft.discard', { id: draft.id }));
    expect(expectOk(await specialist.call('intake.draft.current'))).toBeNull();
  });

  it('refuses an incomplete entry naming each field', async () => {
    const result = await submit(specialist, fields({ mobile: '1381234', idNumber: '110105194912310021' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(result.error.fields).toMatchObject({ mobile: 'mobile_length', idNumber: 'id_checksum' });
    }
  });

  it('submits a walk-in into the cross-check queue with consent and entry duration', async () => {
    const result = expectOk(await submit(specialist, fields()));
    expect(result.status).toBe('pending_cross_check');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const card = expectOk(await specialist.call('customers.card', { id: result.customerId }));
    expect(card.summary).toMatchObject({ name: '单*', mobile: '138******78', idNumber: '11**************2X', birthYear: '1949' });
    expect(card.fields['gender']).toBe('female');
    expect(card.intakes).toEqual([expect.objectContaining({ id: result.intakeId, status: 'pending_cross_check', source: 'walk_in', customerPresent: true })]);
    expect(card.history.find((entry) => entry.field === 'mobile')?.value).toBe('138******78');
  });

  it('offers the existing customer when the phone or ID is already known, and refuses a second record for the same ID', async () => {
    expectOk(await submit(specialist, fields()));
    const matches = expectOk(await specialist.call('intake.matches', { mobile: '13812345678', idNumber: '', name: '', birthDate: '' }));
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ name: '单*', matchedOn: ['mobile'] });
    const byId = expectOk(await specialist.call('intake.matches', { mobile: '', idNumber: '11010519491231002x', name: '', birthDate: '' }));
    expect(byId[0]?.matchedOn).toContain('id');
    // A close match: same birth date, a name written differently that sounds the same (traditional 單).
    const close = expectOk(await specialist.call('intake.matches', { mobile: '', idNumber: '', name: '單雪', birthDate: '1949-12-31' }));
    expect(close.map((c) => c.matchedOn)).toEqual([['name_birth']]);
    // The same sound born on another day is someone else.
    expect(expectOk(await specialist.call('intake.matches', { mobile: '', idNumber: '', name: '單雪', birthDate: '1949-12-30' }))).toEqual([]);
    const duplicate = await submit(specialist, fields({ name: '单雪', mobile: '13700000000' }));
    expect(duplicate.ok ? 'ok' : duplicate.error.code).toBe('CONFLICT');
    // Loading the existing customer makes the entry an update of that customer instead.
    const update = expectOk(await submit(specialist, fields({ mobile: '13700000000' }), matches[0]!.id));
    expect(update.customerId).toBe(matches[0]!.id);
  });

  it('finds customers by phone, last four digits, ID, name, pinyin and initials (surname reading included)', async () => {
    expectOk(await submit(specialist, fields()));
    const find = async (query: string) => expectOk(await specialist.call('customers.search', { query, limit: 20 })).map((c) => c.name);
    for (const query of ['13812345678', '5678', '11010519491231002X', '002x', '单雪', '单', '單雪', 'shanxue', 'danxue', 'sx', 'SHAN']) {
      expect(await find(query), query).toContain('单*');
    }
    expect(await find('9999')).toEqual([]);
  });

  it('answers the first digits of a phone or an ID number at once, from one digit on (issue 12)', async () => {
    expectOk(await submit(specialist, fields()));
    const find = async (query: string) => expectOk(await specialist.call('customers.search', { query, limit: 20 })).map((c) => c.name);
    // A mobile as it is typed, digit by digit, and the first digits of the ID number.
    for (const query of ['1', '13', '138', '13812', '138123', '1381234', '13812345', '138 1234 56', '110105', '1101051949', '11010519491231', '11010519491231002']) {
      expect(await find(query), query).toContain('单*');
    }
    // Digits no phone or ID starts with find no one; a query with filters keeps to them.
    expect(await find('99')).toEqual([]);
    const filtered = async (input: MethodInput<'customers.search'>) => expectOk(await specialist.call('customers.search', input)).map((c) => c.name);
    expect(await filtered({ query: '138', source: 'walk_in' })).toEqual(['单*']);
    expect(await filtered({ query: '138', grade: 'vip' })).toEqual([]);
  });

  it('finds a name typed with any middle-dot variant and a phone typed with full-width digits (issue 11)', async () => {
    expectOk(await submit(specialist, fields({ name: '迪丽热巴・迪力木拉提', mobile: '13812345678' })));
    const find = async (query: string) => expectOk(await specialist.call('customers.search', { query, limit: 20 })).length;
    for (const query of ['迪丽热巴·迪力', '迪丽热巴•迪力', '迪丽热巴‧迪力', '迪丽热巴・迪力', '１３８１２３４５６７８', '５６７８']) {
      expect(await find(query), query).toBe(1);
    }
    // The returning-customer offer while typing reads the name the same way.
    const offered = expectOk(await specialist.call('intake.matches', { name: '迪丽热巴•迪力木拉提', birthDate: '1949-12-31' }));
    expect(offered.map((match) => match.matchedOn)).toEqual([['name_birth']]);
  });

  it('filters by grade, intake status, source and date, with or without a query', async () => {
    expectOk(await submit(specialist, fields()));
    const names = async (input: MethodInput<'customers.search'>) => expectOk(await specialist.call('customers.search', input)).map((c) => c.name);
    // The desk's clock starts at TEST_CLOCK_START; the intake was submitted seconds after it.
    const today = new Date(TEST_CLOCK_START);
    const iso = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    const tomorrow = new Date(today.getTime() + 86_400_000);
    expect(await names({ query: '', status: 'pending_cross_check', source: 'walk_in' })).toContain('单*');
    expect(await names({ query: '', grade: 'ordinary' })).toContain('单*');
    expect(await names({ query: '', grade: 'vip' })).toEqual([]);
    expect(await names({ query: '5678', grade: 'vip' })).toEqual([]);
    expect(await names({ query: '5678', from: iso(today), to: iso(today) })).toContain('单*');
    expect(await names({ query: '5678', from: iso(tomorrow) })).toEqual([]);
    // A query with an intake filter keeps the customers with a matching intake, and only those.
    expect(await names({ query: '单', source: 'walk_in' })).toEqual(['单*']);
    expect(await names({ query: '单', source: 'paper_form' })).toEqual([]);
    expect(await names({ query: 'shan', status: 'pending_cross_check', source: 'walk_in', to: iso(today) })).toEqual(['单*']);
    expect(await names({ query: 'shan', status: 'approved' })).toEqual([]);
    const nothing = await specialist.call('customers.search', { query: '' });
    expect(nothing.ok ? 'ok' : nothing.error.fields).toEqual({ query: 'required' });
  });

  it('reveals a masked value only with the permission and a reason, and audits who, what and why', async () => {
    expectOk(await submit(specialist, fields()));
    const [customer] = expectOk(await specialist.call('customers.search', { query: '5678', limit: 5 }));
    const refused = await specialist.call('customers.reveal', { id: customer!.id, field: 'mobile', reason: '客户来电核对' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
    const noReason = await manager.call('customers.reveal', { id: customer!.id, field: 'mobile', reason: '' });
    expect(noReason.ok ? 'ok' : noReason.error.fields).toEqual({ reason: 'reason_too_short' });
    expect(expectOk(await manager.call('customers.reveal', { id: customer!.id, field: 'idNumber', reason: '客户要求核对身份证号' })).value).toBe('11010519491231002X');
    const audit = expectOk(await manager.call('audit.list', { limit: 5 }));
    const session = expectOk(await manager.call('auth.session'));
    expect(audit.find((entry) => entry.action === 'customer.reveal')).toMatchObject({
      staffId: session.state === 'active' ? session.staff.id : 'none',
      target: customer!.id,
      details: { field: 'idNumber', reason: '客户要求核对身份证号' },
    });
  });

  it('lets only certified staff enter real records', async () => {
    const trainee = await connect(desk);
    expectOk(await trainee.call('auth.login', { username: 'new.hire', password: 'Specialist1' }));
    const result = await submit(trainee, fields({ idNumber: '440524188001010014', mobile: '13600000000', name: '陈训' }));
    expect(result.ok ? 'ok' : `${result.error.code}:${result.error.details?.['reason']}`).toBe('FORBIDDEN:not_certified');
    trainee.close();
  });
});

describe('site field configuration', () => {
  it('lets a manager hide the ski fields (as at a scenic area), after which they are no longer required', async () => {
    const before = await submitMissingSki();
    expect(before).toMatchObject({ skiDiscipline: 'required' });
    const refused = await specialist.call('intake.config.update', { fields: { skiDiscipline: 'hidden' } });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
    const updated = expectOk(await manager.call('intake.config.update', { fields: { skiDiscipline: 'hidden', skiAbility: 'hidden' } }));
    expect(updated.fields.skiDiscipline).toBe('hidden');
    expect(await submitMissingSki()).toBeUndefined();
  });
});

async function submitMissingSki(): Promise<Record<string, string> | undefined> {
  const values = fields({ name: '景区客', mobile: '13600009999', idNumber: '440524188001010014', skiDiscipline: '', skiAbility: '' });
  const result = await submit(specialist, values);
  return result.ok ? undefined : result.error.fields;
}
