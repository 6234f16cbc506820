// Roles in the core: uncertified staff cannot cross-check; security settings and review policy are
// a manager's alone (a maintainer can neither weaken nor change them); every reason must say something.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_REVIEW_SETTINGS } from '../../shared/api/review-contract';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { expectOk, staffedDesk, type RpcClient } from '../support/desk';

const fields = (overrides: Partial<IntakeFields> = {}): IntakeFields => ({
  ...emptyIntakeFields(),
  name: '李雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省',
  emergencyName: '李强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', ...overrides,
});

async function enter(client: RpcClient, values: IntakeFields = fields()): Promise<string> {
  const draft = expectOk(await client.call('intake.draft.start', { customerId: null }));
  return expectOk(await client.call('intake.submit', { draftId: draft.id, fields: values, consent: { ...defaultConsent(), idConsent: true }, customerId: null, customerPresent: true })).intakeId;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function desk(staff: ReadonlyArray<readonly [string, 'specialist' | 'group_lead' | 'manager' | 'supervisor' | 'maintainer']>) {
  const staffed = await staffedDesk(staff);
  closers.push(staffed.close);
  return staffed;
}

const code = (result: { ok: boolean; error?: { code: string } }): string => (result.ok ? 'ok' : result.error!.code);

describe('cross-check needs certification', () => {
  it('refuses a cross-check by uncertified staff in the core and keeps the queue from offering it', async () => {
    const staffed = await desk([['r.a', 'specialist'], ['r.b', 'specialist'], ['r.lead', 'group_lead']]);
    const { manager, ids } = staffed;
    const intakeId = await enter(staffed.client('r.a'));
    for (const username of ['r.b', 'r.lead']) expectOk(await manager.call('staff.update', { id: ids[username]!, certified: false }));

    for (const username of ['r.b', 'r.lead']) {
      const client = staffed.client(username);
      expect(expectOk(await client.call('review.queues')).crossCheck).toEqual([]);
      for (const decision of ['cross_check_passed', 'cross_check_failed'] as const) {
        const refused = await client.call('review.decide', { intakeId, decision, notes: { mobile: '号码有误' } });
        expect(refused.ok ? 'ok' : `${refused.error.code}/${String(refused.error.details?.['refusal'])}`, `${username} ${decision}`).toBe('FORBIDDEN/not_certified');
      }
    }
    expect(expectOk(await manager.call('review.intake', { intakeId })).status).toBe('pending_cross_check');

    expectOk(await manager.call('staff.update', { id: ids['r.b']!, certified: true }));
    expect(expectOk(await staffed.client('r.b').call('review.decide', { intakeId, decision: 'cross_check_passed' })).status).toBe('pending_lead_approval');
  });
});

describe('security settings and review policy', () => {
  it('lets only a manager change them; a maintainer can read the security settings but cannot weaken them', async () => {
    const staffed = await desk([['r.maint', 'maintainer'], ['r.lead', 'group_lead']]);
    const { manager } = staffed;
    const maintainer = staffed.client('r.maint');
    const before = expectOk(await maintainer.call('settings.get'));
    expect(code(await maintainer.call('settings.update', { maxFailedLogins: 20, lockoutMinutes: 1, idleLockMinutes: 60 }))).toBe('FORBIDDEN');
    expect(code(await maintainer.call('review.settings.update', { ...DEFAULT_REVIEW_SETTINGS, leadMayApproveOwnCrossCheck: true }))).toBe('FORBIDDEN');
    expect(code(await staffed.client('r.lead').call('review.settings.update', { ...DEFAULT_REVIEW_SETTINGS, leadMayApproveOwnCrossCheck: true }))).toBe('FORBIDDEN');
    expect(expectOk(await manager.call('settings.get'))).toEqual(before);
    expect(expectOk(await manager.call('review.settings.get')).leadMayApproveOwnCrossCheck).toBe(false);

    expect(expectOk(await manager.call('settings.update', { maxFailedLogins: 4, lockoutMinutes: 15, idleLockMinutes: 3 }))).toEqual({ maxFailedLogins: 4, lockoutMinutes: 15, idleLockMinutes: 3 });
    expect(expectOk(await manager.call('review.settings.update', { ...DEFAULT_REVIEW_SETTINGS, returnedDueMinutes: 90 })).returnedDueMinutes).toBe(90);
    // The maintainer keeps the desk's field settings.
    expectOk(await maintainer.call('intake.config.update', { fields: { remarks: 'hidden' } }));
    const session = expectOk(await maintainer.call('auth.session'));
    expect(session.state !== 'none' && session.permissions.includes('policy.manage')).toBe(false);
  });
});

describe('reasons must say something', () => {
  it('refuses a reveal, a correction or a send-back (same rule as a rejection) whose reason is too short or one character repeated', async () => {
    const staffed = await desk([['r.a', 'specialist'], ['r.b', 'specialist'], ['r.lead', 'group_lead']]);
    const { manager } = staffed;
    const [a, b, lead] = [staffed.client('r.a'), staffed.client('r.b'), staffed.client('r.lead')];
    const intakeId = await enter(a);
    expectOk(await b.call('review.decide', { intakeId, decision: 'cross_check_passed' }));
    const [customer] = expectOk(await manager.call('customers.search', { query: '13812345678' }));

    const attempts = {
      reveal: (reason: string) => manager.call('customers.reveal', { id: customer!.id, field: 'mobile', reason }),
      correction: (reason: string) => a.call('intake.draft.start', { customerId: customer!.id, source: 'correction', reason }),
      sendBack: (reason: string) => lead.call('review.decide', { intakeId, decision: 'lead_sent_back', reason }),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      for (const [reason, problem] of [['', 'reason_too_short'], [' 核对 ', 'reason_too_short'], ['aaaa', 'reason_meaningless'], ['。。。。。', 'reason_meaningless'], ['a a a a', 'reason_meaningless']] as const) {
        const result = await attempt(reason);
        expect(result.ok ? 'ok' : result.error.fields, `${name} "${reason}"`).toEqual({ reason: problem });
      }
    }
    expectOk(await attempts.reveal('客户来电核对'));
    expectOk(await attempts.correction('客户要求更正手机号'));
    expect(expectOk(await attempts.sendBack('手机号需再核对')).status).toBe('pending_cross_check');
  });
});
