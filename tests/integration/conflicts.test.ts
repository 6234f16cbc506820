// Issue 9: two desks offline. Changes to the same sensitive field that did not see each other are
// both kept and raised for a lead on both desks; the lead's choice settles it everywhere. Review
// decisions that contradict each other mark the intake for a lead on both desks.
import { afterEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../electron/core/core';
import { resolveConflict } from '../../electron/core/customers/customer-service';
import { startDraft, submitWalkIn } from '../../electron/core/intake/intake-service';
import { allOps, projectionDigest } from '../../electron/core/oplog/digest';
import { decide, queuesFor, settle } from '../../electron/core/review/review-service';
import { defaultConsent } from '../../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../../shared/domain/intake/fields';
import { tempDataDir } from '../support/desk';

const clock = { now: Date.UTC(2026, 0, 10, 9, 0, 0) };
const opened: Core[] = [];
afterEach(() => {
  for (const core of opened.splice(0)) core.close();
});

function desk(label: string): Core {
  let n = 0;
  const core = openCore({ dataDir: tempDataDir(label), keyHex: 'cd'.repeat(32), appVersion: 'test', now: () => clock.now, randomId: (prefix) => `${prefix}_${label}-${String(++n).padStart(12, '0')}` });
  opened.push(core);
  return core;
}

const STAFF = { a: 'stf_a-0000000001', b: 'stf_b-0000000001', c: 'stf_c-0000000001', lead: 'stf_l-0000000001' } as const;
const FULL: IntakeFields = {
  ...emptyIntakeFields(), name: '吴雪', mobile: '13812345678', idNumber: '11010519491231002X', addressProvince: '吉林省', addressCity: '吉林市',
  emergencyName: '吴强', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', heightCm: '168',
};

/** Everything one desk has, to another (twice, to show duplicates do nothing). */
function exchange(from: Core, to: Core): void {
  const ops = allOps(from.db);
  to.services.transact(() => {
    for (const op of [...ops, ...ops]) to.services.ops.apply(op);
  });
}

function setUp(): [Core, Core] {
  const one = desk('one');
  const two = desk('two');
  one.services.transact(() => {
    for (const [id, role] of [[STAFF.a, 'specialist'], [STAFF.b, 'specialist'], [STAFF.c, 'specialist'], [STAFF.lead, 'group_lead']] as const) {
      one.services.ops.append(null, { entity: 'staff', entityId: id, changes: { username: id, displayName: id, role, certified: true, active: true, passwordHash: 'x', createdAt: clock.now } });
    }
  });
  exchange(one, two);
  return [one, two];
}

function submit(core: Core, fields: IntakeFields, customerId: string | null) {
  clock.now += 1_000;
  const draft = startDraft(core.services, STAFF.a, { customerId: null, source: 'walk_in', reason: '' });
  return submitWalkIn(core.services, STAFF.a, { draftId: draft.id, fields, consent: { ...defaultConsent(), idConsent: true }, customerId, customerPresent: true, cleared: [] });
}

function approve(core: Core, intakeId: string): void {
  clock.now += 1_000;
  decide(core.services, { staffId: STAFF.b, role: 'specialist' }, { intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
  decide(core.services, { staffId: STAFF.lead, role: 'group_lead' }, { intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false });
}

describe('two desks offline', () => {
  it('keep both phones from visits that did not see each other and raise it for a lead; the lead settles it on both', () => {
    const [one, two] = setUp();
    const first = submit(one, FULL, null);
    approve(one, first.intakeId);
    exchange(one, two);
    // The same customer comes to both desks before they hear of each other.
    const visitOne = submit(one, { ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340001' }, first.customerId);
    const visitTwo = submit(two, { ...emptyIntakeFields(), name: FULL.name, idNumber: FULL.idNumber, mobile: '13812340002' }, first.customerId);
    approve(one, visitOne.intakeId);
    approve(two, visitTwo.intakeId);
    exchange(one, two);
    exchange(two, one);
    expect(projectionDigest(one.db).digest).toBe(projectionDigest(two.db).digest);
    for (const core of [one, two]) {
      const conflicts = core.services.customers.conflicts(first.customerId);
      expect(conflicts.map((conflict) => [conflict.field, JSON.parse(conflict.value), JSON.parse(conflict.winnerValue)])).toEqual([['mobile', '13812340001', '13812340002']]);
    }
    // Name and ID were confirmed on both visits with the same value: no conflict there.
    expect(() => resolveConflict(one.services, { staffId: STAFF.a, role: 'specialist' }, { id: first.customerId, field: 'mobile', keepAsOf: 'x', reason: '客户确认' })).toThrow(/lead or manager/);
    const [conflict] = one.services.customers.conflicts(first.customerId);
    clock.now += 1_000;
    resolveConflict(one.services, { staffId: STAFF.lead, role: 'group_lead' }, { id: first.customerId, field: 'mobile', keepAsOf: conflict?.asOf ?? '', reason: '客户电话确认' });
    exchange(one, two);
    for (const core of [one, two]) {
      expect(core.services.customers.conflicts(first.customerId)).toEqual([]);
      expect(core.services.customers.byId(first.customerId)?.mobile).toBe('13812340001');
    }
  });

  it('mark an intake decided differently on each desk as needing a lead, on both', () => {
    const [one, two] = setUp();
    const entry = submit(one, { ...FULL, name: '郑雪', idNumber: '110105198001010016', mobile: '13812349991' }, null);
    exchange(one, two);
    clock.now += 1_000;
    decide(one.services, { staffId: STAFF.b, role: 'specialist' }, { intakeId: entry.intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    decide(two.services, { staffId: STAFF.c, role: 'specialist' }, { intakeId: entry.intakeId, decision: 'cross_check_failed', notes: { mobile: '号码不对' }, reason: '', doubtful: false });
    exchange(one, two);
    exchange(two, one);
    const status = (core: Core) => (core.db.prepare('SELECT status FROM intakes WHERE id = ?').get(entry.intakeId) as { status: string }).status;
    expect(status(one)).toBe('needs_attention');
    expect(status(two)).toBe('needs_attention');
    expect((one.db.prepare('SELECT count(*) AS n FROM review_events WHERE intake_id = ?').get(entry.intakeId) as { n: number }).n).toBe(3);
    expect(projectionDigest(one.db).digest).toBe(projectionDigest(two.db).digest);
    expect(queuesFor(two.services, { staffId: STAFF.lead, role: 'group_lead' }).attention.map((item) => item.intakeId)).toEqual([entry.intakeId]);
    // Nobody decides past the contradiction; a lead settles it, and that holds on both desks.
    expect(() => decide(two.services, { staffId: STAFF.lead, role: 'group_lead' }, { intakeId: entry.intakeId, decision: 'lead_approved', notes: {}, reason: '', doubtful: false })).toThrow(/needs a lead/);
    expect(() => settle(two.services, { staffId: STAFF.b, role: 'specialist' }, { intakeId: entry.intakeId, status: 'valid', reason: '已电话核对' })).toThrow(/lead or manager/);
    clock.now += 1_000;
    expect(settle(two.services, { staffId: STAFF.lead, role: 'group_lead' }, { intakeId: entry.intakeId, status: 'pending_cross_check', reason: '两位同事意见不同，重新核对' }).status).toBe('pending_cross_check');
    exchange(two, one);
    expect(status(one)).toBe('pending_cross_check');
    expect(status(two)).toBe('pending_cross_check');
    clock.now += 1_000;
    decide(one.services, { staffId: STAFF.b, role: 'specialist' }, { intakeId: entry.intakeId, decision: 'cross_check_passed', notes: {}, reason: '', doubtful: false });
    exchange(one, two);
    expect(status(two)).toBe('pending_lead_approval');
    expect(projectionDigest(one.db).digest).toBe(projectionDigest(two.db).digest);
  });
});
