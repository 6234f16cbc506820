import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../auth/roles';
import { INITIAL_STATE, REVIEW_STATUSES, apply, derive, type Actor, type ReviewEvent, type ReviewState } from './machine';

const A: Actor = { staffId: 'a', role: 'specialist' };
const B: Actor = { staffId: 'b', role: 'specialist' };
const LEAD: Actor = { staffId: 'l', role: 'group_lead' };
const MANAGER: Actor = { staffId: 'm', role: 'manager' };

describe('review state machine', () => {
  it('takes a clean record through cross-check and lead approval to valid', () => {
    const state = derive([
      { kind: 'submitted', by: A, at: 1, needsFinal: false },
      { kind: 'cross_check_passed', by: B, at: 2, doubtful: false },
      { kind: 'lead_approved', by: LEAD, at: 3 },
    ]);
    expect(state).toMatchObject({ status: 'valid', enteredBy: 'a', crossCheckedBy: 'b', since: 3 });
  });

  it('a double-entered paper record: neither typist nor the reconciling lead cross-checks it; the lead approves a colleague\'s check; only the enterer resubmits; the manager who reconciled does not final-review it', () => {
    const C: Actor = { staffId: 'c', role: 'specialist' };
    const submitted = derive([{ kind: 'submitted', by: A, at: 1, needsFinal: true, coEntrants: ['b'], reconciledBy: 'l' }]);
    expect(submitted).toMatchObject({ enteredBy: 'a', coEntrants: ['b'], reconciledBy: 'l' });
    for (const by of [A, B, LEAD]) expect(apply(submitted, { kind: 'cross_check_passed', by, at: 2, doubtful: false })).toEqual({ ok: false, refusal: 'own_record' });
    const failed = apply(submitted, { kind: 'cross_check_failed', by: C, at: 2, notes: { mobile: '少一位' } });
    expect(failed.ok && apply(failed.state, { kind: 'resubmitted', by: B, at: 3 })).toEqual({ ok: false, refusal: 'not_enterer' });
    const checked = apply(submitted, { kind: 'cross_check_passed', by: C, at: 2, doubtful: false });
    if (!checked.ok) throw new Error('the colleague may cross-check');
    expect(apply(checked.state, { kind: 'lead_approved', by: { staffId: 'b', role: 'group_lead' }, at: 3 })).toEqual({ ok: false, refusal: 'own_record' });
    const approved = apply(checked.state, { kind: 'lead_approved', by: LEAD, at: 3 });
    expect(approved.ok && approved.state.status).toBe('pending_final_review');
    const byManager = derive([{ kind: 'submitted', by: A, at: 1, needsFinal: true, coEntrants: ['b'], reconciledBy: 'm' }, { kind: 'cross_check_passed', by: C, at: 2, doubtful: false }, { kind: 'lead_approved', by: LEAD, at: 3 }]);
    expect(apply(byManager, { kind: 'final_approved', by: MANAGER, at: 4 })).toEqual({ ok: false, refusal: 'own_record' });
  });

  it('returns a failed cross-check to the enterer with field notes, who alone can resubmit', () => {
    const returned = derive([
      { kind: 'submitted', by: A, at: 1, needsFinal: false },
      { kind: 'cross_check_failed', by: B, at: 2, notes: { mobile: '号码少一位' } },
    ]);
    expect(returned).toMatchObject({ status: 'returned', returnNotes: { mobile: '号码少一位' } });
    expect(apply(returned, { kind: 'resubmitted', by: B, at: 3 })).toEqual({ ok: false, refusal: 'not_enterer' });
    const again = apply(returned, { kind: 'resubmitted', by: A, at: 3 });
    expect(again.ok && again.state.status).toBe('pending_cross_check');
  });

  it('sends VIP and doubtful records to the manager, whose rejection returns to the enterer with the reason', () => {
    const vip = derive([
      { kind: 'submitted', by: A, at: 1, needsFinal: true },
      { kind: 'cross_check_passed', by: B, at: 2, doubtful: false },
      { kind: 'lead_approved', by: LEAD, at: 3 },
    ]);
    expect(vip.status).toBe('pending_final_review');
    expect(apply(vip, { kind: 'final_approved', by: LEAD, at: 4 })).toEqual({ ok: false, refusal: 'role_not_allowed' });
    const rejected = apply(vip, { kind: 'final_rejected', by: MANAGER, at: 4, reason: '证件照片不清晰' });
    expect(rejected.ok && rejected.state).toMatchObject({ status: 'rejected', lastReason: '证件照片不清晰' });
    const doubtful = derive([
      { kind: 'submitted', by: A, at: 1, needsFinal: false },
      { kind: 'cross_check_passed', by: B, at: 2, doubtful: true },
      { kind: 'lead_approved', by: LEAD, at: 3 },
    ]);
    expect(doubtful.status).toBe('pending_final_review');
  });

  it('keeps the lead from approving their own cross-check unless the site allows it', () => {
    const checkedByLead = derive([
      { kind: 'submitted', by: A, at: 1, needsFinal: false },
      { kind: 'cross_check_passed', by: LEAD, at: 2, doubtful: false },
    ]);
    expect(apply(checkedByLead, { kind: 'lead_approved', by: LEAD, at: 3 })).toEqual({ ok: false, refusal: 'lead_is_cross_checker' });
    const allowed = apply(checkedByLead, { kind: 'lead_approved', by: LEAD, at: 3 }, { leadMayApproveOwnCrossCheck: true });
    expect(allowed.ok && allowed.state.status).toBe('valid');
  });

  it('never reaches an invalid state, and never lets anyone review their own record (property)', () => {
    const staff = fc.constantFrom<Actor>(
      ...ROLES.flatMap((role: Role) => ['s1', 's2', 's3'].map((id) => ({ staffId: `${role}-${id}`, role }))),
    );
    const event: fc.Arbitrary<ReviewEvent> = fc.oneof(
      fc.record({ kind: fc.constant('submitted' as const), by: staff, at: fc.nat(), needsFinal: fc.boolean() }),
      fc.record({ kind: fc.constant('cross_check_passed' as const), by: staff, at: fc.nat(), doubtful: fc.boolean() }),
      fc.record({ kind: fc.constant('cross_check_failed' as const), by: staff, at: fc.nat(), notes: fc.dictionary(fc.constantFrom('name', 'mobile', 'idNumber'), fc.string({ minLength: 1 })) }),
      fc.record({ kind: fc.constant('resubmitted' as const), by: staff, at: fc.nat() }),
      fc.record({ kind: fc.constant('lead_approved' as const), by: staff, at: fc.nat() }),
      fc.record({ kind: fc.constant('lead_sent_back' as const), by: staff, at: fc.nat(), reason: fc.string() }),
      fc.record({ kind: fc.constant('final_approved' as const), by: staff, at: fc.nat() }),
      fc.record({ kind: fc.constant('final_rejected' as const), by: staff, at: fc.nat(), reason: fc.string() }),
      fc.record({ kind: fc.constant('correction_opened' as const), by: staff, at: fc.nat(), correctionIntakeId: fc.constant('itk_x') }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        let state: ReviewState = INITIAL_STATE;
        for (const next of events) {
          const result = apply(state, next);
          if (!result.ok) continue;
          const reviewing = ['cross_check_passed', 'cross_check_failed', 'lead_approved', 'lead_sent_back', 'final_approved', 'final_rejected'].includes(next.kind);
          if (reviewing) expect(next.by.staffId).not.toBe(state.enteredBy);
          if (next.kind === 'final_approved' || next.kind === 'final_rejected') expect(next.by.role).toBe('manager');
          if (next.kind === 'lead_approved') expect(next.by.staffId).not.toBe(state.crossCheckedBy);
          if (result.state.status === 'valid' && state.status !== 'valid') expect(state.crossCheckedBy).not.toBeNull();
          state = result.state;
          expect(REVIEW_STATUSES).toContain(state.status);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('derives a record decided under a policy that was switched off later, from the policy recorded with the event', () => {
    const allowed = { leadMayApproveOwnCrossCheck: true };
    const events: ReviewEvent[] = [
      { kind: 'submitted', by: A, at: 1, needsFinal: false, policy: allowed },
      { kind: 'cross_check_passed', by: LEAD, at: 2, doubtful: false, policy: allowed },
      { kind: 'lead_approved', by: LEAD, at: 3, policy: allowed },
    ];
    expect(derive(events, { leadMayApproveOwnCrossCheck: false })).toMatchObject({ status: 'valid', attention: [] });
  });

  it('never throws on an event today\'s policy would refuse: the record keeps its status and is marked for a lead', () => {
    // Written before policies were recorded with events, when the site allowed it.
    const events: ReviewEvent[] = [
      { kind: 'submitted', by: A, at: 1, needsFinal: false },
      { kind: 'cross_check_passed', by: LEAD, at: 2, doubtful: false },
      { kind: 'lead_approved', by: LEAD, at: 3 },
    ];
    const state = derive(events, { leadMayApproveOwnCrossCheck: false });
    expect(state.status).toBe('valid');
    expect(state.attention).toEqual([{ kind: 'lead_approved', at: 3, by: 'l', refusal: 'lead_is_cross_checker' }]);
    // A new decision is still judged strictly under today's policy.
    expect(apply(derive(events.slice(0, 2)), { kind: 'lead_approved', by: LEAD, at: 4 })).toEqual({ ok: false, refusal: 'lead_is_cross_checker' });
  });

  it('derives any sequence of stored events without throwing, noting each one that does not apply', () => {
    const staff = fc.constantFrom<Actor>(A, B, LEAD, MANAGER);
    const event: fc.Arbitrary<ReviewEvent> = fc.oneof(
      fc.record({ kind: fc.constant('submitted' as const), by: staff, at: fc.nat(), needsFinal: fc.boolean() }),
      fc.record({ kind: fc.constant('cross_check_passed' as const), by: staff, at: fc.nat(), doubtful: fc.boolean() }),
      fc.record({ kind: fc.constant('resubmitted' as const), by: staff, at: fc.nat() }),
      fc.record({ kind: fc.constant('lead_approved' as const), by: staff, at: fc.nat(), policy: fc.record({ leadMayApproveOwnCrossCheck: fc.boolean() }) }),
      fc.record({ kind: fc.constant('final_rejected' as const), by: staff, at: fc.nat(), reason: fc.string() }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), fc.boolean(), (events, allowed) => {
        const state = derive(events, { leadMayApproveOwnCrossCheck: allowed });
        expect(REVIEW_STATUSES).toContain(state.status);
        let strict: ReviewState = INITIAL_STATE;
        let refused = 0;
        for (const next of events) {
          const result = apply(strict, next, next.policy ?? { leadMayApproveOwnCrossCheck: allowed });
          if (result.ok) strict = result.state;
          else refused += 1;
        }
        if (refused === 0) expect(state).toEqual(strict);
        else expect(state.attention.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('notes an event of a kind this version does not know instead of throwing', () => {
    const events = [{ kind: 'submitted', by: A, at: 1, needsFinal: false }, { kind: 'from_a_newer_version', by: B, at: 2 }] as unknown as ReviewEvent[];
    const state = derive(events);
    expect(state.status).toBe('pending_cross_check');
    expect(state.attention).toEqual([{ kind: 'from_a_newer_version', at: 2, by: 'b', refusal: 'unknown_event' }]);
  });
});
