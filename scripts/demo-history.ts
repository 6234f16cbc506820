/**
 * Demo customers with a history (issue 9): one to three intakes each, from every source, in every
 * review state, with review events, repeat visits that carry only what changed, and corrections,
 * all written as ops through the one apply path (batched transactions, not batched rules).
 */
import type { Services } from '../electron/core/services';
import { AS_OF, VIA_INTAKE } from '../electron/core/customers/projectors';
import { fieldChanges } from '../shared/domain/intake/changes';
import { defaultConsent } from '../shared/domain/intake/consent';
import { emptyIntakeFields, type IntakeFields } from '../shared/domain/intake/fields';
import { demoCustomer } from '../shared/domain/demo';
import type { Role } from '../shared/domain/auth/roles';

export const DEMO_STAFF: ReadonlyArray<readonly [username: string, displayName: string, role: Role]> = [
  ['demo.specialist1', '演示专员甲', 'specialist'],
  ['demo.specialist2', '演示专员乙', 'specialist'],
  ['demo.lead', '演示组长', 'group_lead'],
];

const STATES = ['pending_cross_check', 'returned', 'pending_lead_approval', 'pending_final_review', 'valid', 'rejected'] as const;
type State = (typeof STATES)[number];
const SOURCES = ['walk_in', 'paper_form', 'online'] as const;

interface Team {
  specialists: string[];
  lead: string;
  manager: string;
}

const SKI: Partial<IntakeFields> = { addressProvince: '吉林省', addressCity: '吉林市', emergencyName: '家属', emergencyMobile: '13900001111', skiDiscipline: 'ski', skiAbility: 'beginner', heightCm: '170', weightKg: '60' };

/** Write `count` customers with their intakes; returns how many intakes were written. */
export function writeDemoHistory(services: Services, team: Team, count: number, random: () => number, firstAt: number): number {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const { ops } = services;
  let intakes = 0;
  let at = firstAt;
  const event = (intakeId: string, kind: string, staffId: string, role: Role, extra: Record<string, unknown> = {}): void => {
    at += 1_000;
    ops.append(staffId, { entity: 'review_event', entityId: services.ctx.randomId('rev'), changes: { intakeId, kind, byStaff: staffId, byRole: role, at, payload: JSON.stringify(extra) } });
  };
  /** Submit, then walk the review to `state`; a valid intake updates its customer with what it carries. */
  const intake = (customerId: string, fields: IntakeFields, changes: ReturnType<typeof fieldChanges>, source: string, state: State, isNew: boolean): void => {
    const enterer = pick(team.specialists);
    const checker = team.specialists.find((id) => id !== enterer) ?? team.lead;
    const intakeId = services.ctx.randomId('itk');
    at += 60_000;
    if (isNew) ops.append(enterer, { entity: 'customer', entityId: customerId, changes: { ...fields, [VIA_INTAKE]: intakeId } });
    const needsFinal = state === 'pending_final_review' || state === 'rejected';
    const stored = ops.append(enterer, {
      entity: 'intake',
      entityId: intakeId,
      changes: {
        customerId, source, status: 'draft', fields: JSON.stringify(fields), changes: JSON.stringify(changes), consent: JSON.stringify({ ...defaultConsent(), idConsent: true }),
        flags: JSON.stringify(needsFinal ? ['vip'] : []), enteredBy: enterer, startedAt: at - 180_000, submittedAt: at, durationMs: 180_000, customerPresent: source === 'walk_in',
      },
    });
    event(intakeId, 'submitted', enterer, 'specialist', { needsFinal });
    intakes += 1;
    if (state === 'pending_cross_check') return;
    if (state === 'returned') {
      event(intakeId, 'cross_check_failed', checker, 'specialist', { notes: { mobile: '请与客户核对' }, fieldsAtCheck: fields });
      return;
    }
    event(intakeId, 'cross_check_passed', checker, 'specialist', { doubtful: false });
    if (state === 'pending_lead_approval') return;
    event(intakeId, 'lead_approved', team.lead, 'group_lead');
    if (state === 'pending_final_review') return;
    if (state === 'rejected') {
      event(intakeId, 'final_rejected', team.manager, 'manager', { reason: '等级证明不全' });
      return;
    }
    const values = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change?.value ?? '']));
    ops.append(team.lead, { entity: 'customer', entityId: customerId, changes: { [AS_OF]: stored.hlc, [VIA_INTAKE]: intakeId, ...values } });
  };

  for (let index = 0; index < count; index += 1) {
    const customerId = services.ctx.randomId('cus');
    const first: IntakeFields = { ...demoCustomer(random), ...SKI };
    const visits = 1 + Math.floor(random() * 3);
    // The first visit made the customer; later ones are repeat visits or corrections, valid before the next.
    const firstState: State = visits > 1 ? 'valid' : pick(STATES);
    intake(customerId, first, fieldChanges({}, first, new Set(Object.keys(first) as Array<keyof IntakeFields>), []), pick(SOURCES), firstState, true);
    let current = first;
    for (let visit = 1; visit < visits; visit += 1) {
      const correction = random() < 0.3;
      const carried: Partial<IntakeFields> = correction
        ? { addressDetail: `松江东路 ${10 + Math.floor(random() * 90)} 号` }
        : { name: current.name, idNumber: current.idNumber, mobile: `13${String(Math.floor(random() * 1e9)).padStart(9, '0')}` };
      const next = { ...current, ...carried };
      const fields = { ...emptyIntakeFields(), ...carried };
      const changes = fieldChanges(current, next, new Set(Object.keys(carried) as Array<keyof IntakeFields>), []);
      const state: State = visit === visits - 1 ? pick(STATES) : 'valid';
      intake(customerId, fields, changes, correction ? 'correction' : pick(SOURCES), state, false);
      if (state === 'valid') current = next;
    }
  }
  return intakes;
}
