// Review policy changes never break records decided under the old policy: each event keeps the
// policy it was decided under; a stored event that does not apply sends the record to a lead's
// attention queue instead of failing with INTERNAL.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { generateKeyHex } from '../../electron/core/db/key-file';
import type { RpcResult } from '../../shared/api/envelope';
import { DEFAULT_REVIEW_SETTINGS } from '../../shared/api/review-contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { expectOk, MANAGER, staffedDesk, tempDataDir, type RpcClient } from '../support/desk';

const fields = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省',
  emergencyName: '李强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

async function enter(client: RpcClient, values: IntakeFields): Promise<string> {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  return expectOk(await client.call('intake.submit', { draftId: draft.id, fields: values, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
}

const cores: Core[] = [];
afterEach(() => {
  for (const core of cores.splice(0)) core.close();
});

describe('review policy changes', () => {
  it('lets a record decided while a lead could approve their own cross-check finish after the policy is switched off', async () => {
    const desk = await staffedDesk([['p.a', 'specialist'], ['p.lead', 'group_lead']]);
    const { manager } = desk;
    const [a, lead] = [desk.client('p.a'), desk.client('p.lead')];
    expectOk(await manager.call('review.settings.update', { ...DEFAULT_REVIEW_SETTINGS, leadMayApproveOwnCrossCheck: true }));
    const vip = await enter(a, fields({ name: '王贵宾', mobile: '13700001111', idNumber: '440524188001010014', grade: 'vip' }));
    expectOk(await lead.call('review.decide', { intakeId: vip, decision: 'cross_check_passed' }));
    expect(expectOk(await lead.call('review.decide', { intakeId: vip, decision: 'lead_approved' })).status).toBe('pending_final_review');

    expectOk(await manager.call('review.settings.update', { ...DEFAULT_REVIEW_SETTINGS, leadMayApproveOwnCrossCheck: false }));
    // Before: both answered INTERNAL, because the old events were re-judged under today's policy.
    const detail = expectOk(await manager.call('review.intake', { intakeId: vip }));
    expect(detail.status).toBe('pending_final_review');
    expect(expectOk(await manager.call('review.decide', { intakeId: vip, decision: 'final_approved' })).status).toBe('valid');
    expect(expectOk(await manager.call('review.queues')).attention).toEqual([]);

    // New decisions follow today's policy.
    const next = await enter(a, fields({ name: '周正', mobile: '13811112222', idNumber: '110105198001010016' }));
    expectOk(await lead.call('review.decide', { intakeId: next, decision: 'cross_check_passed' }));
    const own = await lead.call('review.decide', { intakeId: next, decision: 'lead_approved' });
    expect(own.ok ? 'ok' : own.error.details?.['refusal']).toBe('lead_is_cross_checker');
    await desk.close();
  });

  it('marks a record whose stored event today\'s policy would refuse for a lead\'s attention, and still opens it', async () => {
    const core = openCore({ dataDir: tempDataDir('policy'), keyHex: generateKeyHex(), appVersion: 'test', now: () => Date.UTC(2026, 0, 15, 9, 0, 0) });
    cores.push(core);
    let id = 1;
    const call = async <T>(clientId: string, method: string, input: unknown = {}): Promise<T> => expectOk((await core.handle(clientId, { id: id++, method, input })).result as RpcResult<T>);
    await call('manager', 'setup.initialize', { organisationName: '长白山滑雪度假区', siteName: '北大湖雪场', deskName: '1号柜台', manager: MANAGER });
    for (const [username, role] of [['p.a', 'specialist'], ['p.lead', 'group_lead']] as const) {
      await call('manager', 'staff.create', { username, displayName: username, role, certified: true, password: 'Password123', passwordSetByStaff: true });
      await call(username, 'auth.login', { username, password: 'Password123' });
    }
    const draft = await call<{ id: string }>('p.a', 'intake.draft.start', { customerId: null });
    const { intakeId } = await call<{ intakeId: string }>('p.a', 'intake.submit', { draftId: draft.id, fields: fields(), consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true });
    await call('p.lead', 'review.decide', { intakeId, decision: 'cross_check_passed' });
    // An approval stored by the previous version (no policy recorded with it) while the site allowed it.
    const { services } = core;
    const leadId = services.staff.byUsername('p.lead')!.id;
    services.transact(() =>
      services.ops.append(leadId, { entity: 'review_event', entityId: services.ctx.randomId('rev'), changes: { intakeId, kind: 'lead_approved', byStaff: leadId, byRole: 'group_lead', at: services.ctx.now(), payload: '{}' } }),
    );

    const queues = await call<{ attention: Array<{ intakeId: string; status: string }> }>('manager', 'review.queues');
    expect(queues.attention).toEqual([expect.objectContaining({ intakeId, status: 'valid' })]);
    const detail = await call<{ status: string; attention: Array<{ kind: string; refusal: string }> }>('manager', 'review.intake', { intakeId });
    expect(detail.status).toBe('valid');
    expect(detail.attention).toEqual([expect.objectContaining({ kind: 'lead_approved', refusal: 'lead_is_cross_checker' })]);
    // Specialists do not get the attention queue.
    expect((await call<{ attention: unknown[] }>('p.a', 'review.queues')).attention).toEqual([]);
  });
});
