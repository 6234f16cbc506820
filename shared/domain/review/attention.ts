/**
 * Review status from a grow-only set of events that may come from several desks (issue 9). Events
 * are taken in HLC order through the state machine; one the machine refuses (two desks decided
 * differently while offline) does not fail: the intake "needs attention" and waits for a lead,
 * whose settlement (`lead_settled`) puts it back on a normal path on every desk. Deriving never throws.
 */
import { INITIAL_STATE, replayStep, type Actor, type ReviewEvent, type ReviewPolicy, type ReviewState, type ReviewStatus } from './machine';

export const NEEDS_ATTENTION = 'needs_attention';
/** Where a lead may put an intake that needs attention. */
export const SETTLE_TO = ['pending_cross_check', 'returned', 'valid', 'rejected'] as const satisfies readonly ReviewStatus[];
export type SettleTo = (typeof SETTLE_TO)[number];

export interface SettledEvent {
  kind: 'lead_settled';
  by: Actor;
  at: number;
  status: SettleTo;
  reason: string;
}
export type AnyReviewEvent = ReviewEvent | SettledEvent;

export interface TolerantState extends Omit<ReviewState, 'status'> {
  status: ReviewStatus | typeof NEEDS_ATTENTION;
}

export function deriveTolerant(events: readonly AnyReviewEvent[], policy: ReviewPolicy): TolerantState {
  let state: ReviewState = INITIAL_STATE;
  let contradiction = false;
  let attentionSince = 0;
  for (const event of events) {
    if (event.kind === 'lead_settled') {
      // The lead has looked: earlier contradictions and rule notes are settled with it.
      state = { ...state, status: event.status, since: event.at, returnNotes: {}, lastReason: event.reason, attention: [] };
      contradiction = false;
      continue;
    }
    // Decisions after a contradiction wait for the lead; they stay in the set.
    if (contradiction) continue;
    const next = replayStep(state, event, policy);
    state = next.state;
    if (next.contradiction) {
      contradiction = true;
      attentionSince = event.at;
    }
  }
  return contradiction ? { ...state, status: NEEDS_ATTENTION, since: attentionSince } : state;
}

/** Whether a lead should look: a contradiction between desks, or a stored decision that broke its rules. */
export function needsLead(state: TolerantState): boolean {
  return state.status === NEEDS_ATTENTION || state.attention.length > 0;
}
