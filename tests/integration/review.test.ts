// The review workflow on one desk, over the real RPC path, with no server: A enters, B cross-checks
// and fails the phone, A fixes and resubmits, B passes, the lead approves, the record is valid; a
// VIP record goes to the manager, who rejects it back to A with the reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { connect, expectOk, setUpDesk, staffedDesk, startDesk, type RpcClient } from '../support/desk';

type Desk = Awaited<ReturnType<typeof startDesk>>;
let desk: Desk;
const clients: Record<'manager' | 'a' | 'b' | 'lead', RpcClient> = {} as never;

const fields = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省',
  emergencyName: '李强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

async function enter(client: RpcClient, values: IntakeFields): Promise<string> {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  return expectOk(await client.call('intake.submit', { draftId: draft.id, fields: values, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
}

describe('review on the desk', () => {
  // Each test gets its own desk and staff (no test relies on another's records or order).
  beforeEach(async () => {
    desk = await startDesk();
    clients.manager = await connect(desk);
    await setUpDesk(clients.manager);
    for (const [key, username, role] of [['a', 'staff.a', 'specialist'], ['b', 'staff.b', 'specialist'], ['lead', 'lead.l', 'group_lead']] as const) {
      expectOk(await clients.manager.call('staff.create', { username, displayName: username, role, certified: true, password: 'Password123', passwordSetByStaff: true }));
      clients[key] = await connect(desk);
      expectOk(await clients[key].call('auth.login', { username, password: 'Password123' }));
    }
  });

  afterEach(async () => {
    for (const client of Object.values(clients)) client.close();
    await desk.close();
  });

  it('runs cross-check, return, fix, resubmit, pass and lead approval to a valid record', async () => {
    const intakeId = await enter(clients.a, fields({ mobile: '13812345670' }));
    expect(expectOk(await clients.a.call('review.queues')).crossCheck.map((i) => i.intakeId)).not.toContain(intakeId);
    const ownCheck = await clients.a.call('review.decide', { intakeId, decision: 'cross_check_passed' });
    expect(ownCheck.ok ? 'ok' : ownCheck.error.details?.['refusal']).toBe('own_record');

    expect(expectOk(await clients.b.call('review.queues')).crossCheck.map((i) => i.intakeId)).toContain(intakeId);
    expect(expectOk(await clients.b.call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { mobile: '最后一位应为 8' } })).status).toBe('returned');

    const returned = expectOk(await clients.a.call('review.queues')).returnedToMe;
    expect(returned.map((i) => i.intakeId)).toEqual([intakeId]);
    const detail = expectOk(await clients.a.call('review.intake', { intakeId }));
    expect(detail.returnNotes).toEqual({ mobile: '最后一位应为 8' });
    expect(expectOk(await clients.a.call('intake.resubmit', { intakeId, fields: { ...detail.fields, mobile: '13812345678' } })).status).toBe('pending_cross_check');

    expect(expectOk(await clients.b.call('review.intake', { intakeId })).changedSinceCheck).toEqual({ mobile: { before: '138******70', after: '138******78' } });
    expect(expectOk(await clients.b.call('review.decide', { intakeId, decision: 'cross_check_passed' })).status).toBe('pending_lead_approval');
    const byChecker = await clients.b.call('review.decide', { intakeId, decision: 'lead_approved' });
    expect(byChecker.ok ? 'ok' : byChecker.error.details?.['refusal']).toBe('role_not_allowed');
    expect(expectOk(await clients.lead.call('review.queues')).leadApproval.map((i) => i.intakeId)).toContain(intakeId);
    expect(expectOk(await clients.lead.call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('valid');

    const [customer] = expectOk(await clients.manager.call('customers.search', { query: '13812345678', limit: 5 }));
    const card = expectOk(await clients.manager.call('customers.card', { id: customer!.id }));
    expect(card.intakes[0]).toMatchObject({ id: intakeId, status: 'valid' });
    expect(card.fields['mobile']).toBe('138******78');
    const again = await clients.b.call('review.decide', { intakeId, decision: 'cross_check_failed', notes: { name: 'x' } });
    expect(again.ok ? 'ok' : again.error.details?.['refusal']).toBe('wrong_status');

    const audit = expectOk(await clients.manager.call('audit.list', { limit: 50 })).map((entry) => entry.action);
    for (const action of ['review.submitted', 'review.cross_check_failed', 'review.resubmitted', 'review.cross_check_passed', 'review.lead_approved']) expect(audit).toContain(action);
  });

  it('sends a VIP record to the manager, whose rejection returns it to the enterer with the reason', async () => {
    const intakeId = await enter(clients.a, fields({ name: '王贵宾', mobile: '13700001111', idNumber: '440524188001010014', grade: 'vip' }));
    expectOk(await clients.b.call('review.decide', { intakeId, decision: 'cross_check_passed' }));
    expect(expectOk(await clients.lead.call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('pending_final_review');
    expect(expectOk(await clients.lead.call('review.queues')).finalReview).toEqual([]);
    expect(expectOk(await clients.manager.call('review.queues')).finalReview.map((i) => i.intakeId)).toContain(intakeId);
    const noReason = await clients.manager.call('review.decide', { intakeId, decision: 'final_rejected' });
    expect(noReason.ok ? 'ok' : noReason.error.fields).toEqual({ reason: 'reason_too_short' });
    expect(expectOk(await clients.manager.call('review.decide', { intakeId, decision: 'final_rejected', reason: '贵宾等级需附会员卡号' })).status).toBe('rejected');
    const mine = expectOk(await clients.a.call('review.queues')).returnedToMe;
    expect(mine.map((i) => i.intakeId)).toContain(intakeId);
    expect(expectOk(await clients.a.call('review.intake', { intakeId })).lastReason).toBe('贵宾等级需附会员卡号');
  });
});

describe('deadlines across restarts', () => {
  it('shows an online intake as escalated at 100 minutes and breached at 121, computed after a restart', async () => {
    const first = await startDesk();
    const manager = await connect(first);
    await setUpDesk(manager);
    expectOk(await manager.call('staff.create', { username: 'web.desk', displayName: '线上专员', role: 'specialist', certified: true, password: 'Password123', passwordSetByStaff: true }));
    const web = await connect(first);
    expectOk(await web.call('auth.login', { username: 'web.desk', password: 'Password123' }));
    const online = expectOk(await web.call('intake.registerOnline', { fields: fields({ name: '线上客', mobile: '13500001111', idNumber: '440524188001010014' }), consent: { ...defaultConsent(), idConsent: true, method: 'online' }, customerId: null }));
    const fresh = expectOk(await manager.call('review.queues')).crossCheck.find((i) => i.intakeId === online.intakeId);
    expect(fresh?.deadline).toMatchObject({ kind: 'online_entry', state: 'ok' });
    web.close();
    manager.close();
    await first.close();

    for (const [minutes, state] of [[100, 'escalated'], [121, 'breached']] as const) {
      const later = await startDesk({ dataDir: first.dataDir, clockOffsetMs: minutes * 60_000 });
      const client = await connect(later);
      expectOk(await client.call('auth.login', { username: 'wang.li', password: 'Manager2026' }));
      const queued = expectOk(await client.call('review.queues')).crossCheck.find((i) => i.intakeId === online.intakeId);
      expect(queued?.deadline?.state, `${minutes} minutes`).toBe(state);
      client.close();
      await later.close();
    }
  });
});

describe('review settings', () => {
  it('lets the site allow a lead to approve their own cross-check (off by default)', async () => {
    const desk = await staffedDesk([['staff.e', 'specialist']]);
    const { manager } = desk;
    const entererClient = desk.client('staff.e');
    expect(expectOk(await manager.call('review.settings.get')).leadMayApproveOwnCrossCheck).toBe(false);
    const intakeId = await enter(entererClient, fields());
    expectOk(await manager.call('review.decide', { intakeId, decision: 'cross_check_passed' }));
    const refused = await manager.call('review.decide', { intakeId, decision: 'lead_approved' });
    expect(refused.ok ? 'ok' : refused.error.details?.['refusal']).toBe('lead_is_cross_checker');
    expectOk(await manager.call('review.settings.update', { leadMayApproveOwnCrossCheck: true, walkInTargetMinutes: 5, returnedDueMinutes: 60 }));
    expect(expectOk(await manager.call('review.decide', { intakeId, decision: 'lead_approved' })).status).toBe('valid');
    const byEnterer = await entererClient.call('review.settings.update', { leadMayApproveOwnCrossCheck: false, walkInTargetMinutes: 5, returnedDueMinutes: 60 });
    expect(byEnterer.ok ? 'ok' : byEnterer.error.code).toBe('FORBIDDEN');
    await desk.close();
  });
});

describe('corrections', () => {
  it('changes a valid record only through a correction intake that runs the same review, with an audited reason', async () => {
    const desk = await staffedDesk([['c.a', 'specialist'], ['c.b', 'specialist'], ['c.lead', 'group_lead']]);
    const { manager } = desk;
    const [a, b, lead] = [desk.client('c.a'), desk.client('c.b'), desk.client('c.lead')];
    const first = await enter(a, fields({ name: '周正', mobile: '13811112222', idNumber: '110105198001010016' }));
    expectOk(await b.call('review.decide', { intakeId: first, decision: 'cross_check_passed' }));
    expectOk(await lead.call('review.decide', { intakeId: first, decision: 'lead_approved' }));
    const [customer] = expectOk(await a.call('customers.search', { query: '13811112222' }));

    const noReason = await a.call('intake.draft.start', { customerId: customer!.id, source: 'correction', reason: '' });
    expect(noReason.ok ? 'ok' : noReason.error.fields).toEqual({ reason: 'reason_too_short' });
    const draft = expectOk(await a.call('intake.draft.start', { customerId: customer!.id, source: 'correction', reason: '客户要求更正手机号' }));
    expect(draft.fields.mobile).toBe('138******22'); // opens masked; what is left masked stays as it was
    const corrected = expectOk(await a.call('intake.submit', { draftId: draft.id, fields: { ...draft.fields, mobile: '13811113333' }, consent: { ...defaultConsent(), idConsent: true }, customerId: customer!.id, customerPresent: true }));
    expect(expectOk(await a.call('customers.search', { query: '13811112222' }))).toHaveLength(1); // unchanged until valid
    expectOk(await b.call('review.decide', { intakeId: corrected.intakeId, decision: 'cross_check_passed' }));
    expect(expectOk(await lead.call('review.decide', { intakeId: corrected.intakeId, decision: 'lead_approved' })).status).toBe('valid');
    expect(expectOk(await a.call('customers.search', { query: '13811113333' })).map((c) => c.id)).toEqual([customer!.id]);
    const card = expectOk(await a.call('customers.card', { id: customer!.id }));
    expect(card.intakes.map((intake) => intake.source)).toEqual(['correction', 'walk_in']);
    expect(card.history.filter((entry) => entry.field === 'mobile').map((entry) => entry.value)).toEqual(['138******22', '138******33']);
    const audit = expectOk(await manager.call('audit.list', { limit: 50 }));
    expect(audit.find((entry) => entry.action === 'intake.correction_open')?.details).toMatchObject({ reason: '客户要求更正手机号' });
    await desk.close();
  });
});

describe('assignment', () => {
  it('suggests a colleague who is not the enterer, and a lead’s assignment routes the cross-check to that person', async () => {
    const desk = await staffedDesk([['s.a', 'specialist'], ['s.b', 'specialist'], ['s.c', 'specialist'], ['s.lead', 'group_lead']]);
    const { ids } = desk;
    const [a, b, c, lead] = [desk.client('s.a'), desk.client('s.b'), desk.client('s.c'), desk.client('s.lead')];
    const intakeId = await enter(a, fields({ name: '吴分配', mobile: '13822223333', idNumber: '110105198001010016' }));
    const seen = expectOk(await lead.call('review.queues')).crossCheck.find((i) => i.intakeId === intakeId);
    expect(seen?.suggested?.id).toBeDefined();
    expect(seen?.suggested?.id).not.toBe(ids['s.a']);
    const toEnterer = await lead.call('review.assign', { intakeId, staffId: ids['s.a']! });
    expect(toEnterer.ok ? 'ok' : toEnterer.error.details?.['refusal']).toBe('own_record');
    const bySpecialist = await b.call('review.assign', { intakeId, staffId: ids['s.c']! });
    expect(bySpecialist.ok ? 'ok' : bySpecialist.error.code).toBe('FORBIDDEN');
    expectOk(await lead.call('review.assign', { intakeId, staffId: ids['s.c']! }));
    expect(expectOk(await b.call('review.queues')).crossCheck.map((i) => i.intakeId)).not.toContain(intakeId);
    expect(expectOk(await c.call('review.queues')).crossCheck.find((i) => i.intakeId === intakeId)?.assignedTo?.id).toBe(ids['s.c']);
    const notAssigned = await b.call('review.decide', { intakeId, decision: 'cross_check_passed' });
    expect(notAssigned.ok ? 'ok' : notAssigned.error.details?.['refusal']).toBe('not_assigned');
    expect(expectOk(await c.call('review.decide', { intakeId, decision: 'cross_check_passed' })).status).toBe('pending_lead_approval');
    await desk.close();
  });
});
