/**
 * The review state machine (docs/product.md "Review"): self-review by the enterer, cross-check by a
 * colleague, approval by the group lead on the desk, final review by the manager for VIP and
 * doubtful records. Pure: review events are append-only, and the status is always derived by
 * folding them, never stored as the truth.
 */
import { isCheckerRole, isLeadRole, type Role } from '../auth/roles';

export const REVIEW_STATUSES = ['draft', 'pending_cross_check', 'returned', 'pending_lead_approval', 'pending_final_review', 'valid', 'rejected'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export interface Actor {
  staffId: string;
  role: Role;
}

/** The review policy in force when a decision was made; events from before it was recorded have none. */
interface Decided {
  policy?: ReviewPolicy;
}

export type ReviewEvent = Decided &
  (
  | {
      kind: 'submitted'; by: Actor; at: number; needsFinal: boolean;
      /** A double-entered paper sheet (issue 13): the other typist, who entered the record too. */
      coEntrants?: string[];
      /** A double-entered paper sheet whose transcriptions differed: the lead who decided the values. */
      reconciledBy?: string;
    }
  | { kind: 'cross_check_passed'; by: Actor; at: number; doubtful: boolean; /** Why the checker doubts it (shown to the lead and manager). */ reason?: string }
  | { kind: 'cross_check_failed'; by: Actor; at: number; notes: Record<string, string> }
  | { kind: 'resubmitted'; by: Actor; at: number }
  | { kind: 'lead_approved'; by: Actor; at: number }
  | { kind: 'lead_sent_back'; by: Actor; at: number; reason: string }
  | { kind: 'final_approved'; by: Actor; at: number }
  | { kind: 'final_rejected'; by: Actor; at: number; reason: string }
  | { kind: 'correction_opened'; by: Actor; at: number; correctionIntakeId: string }
  );

/** An event that was stored but does not apply under the rules it was decided by: a lead must look at it. */
export interface AttentionNote {
  kind: ReviewEvent['kind'];
  at: number;
  by: string;
  refusal: Refusal;
}

export interface ReviewState {
  status: ReviewStatus;
  enteredBy: string | null;
  /** Others who entered the record too (the second typist of a double-entered paper sheet). */
  coEntrants?: readonly string[];
  /** The lead who reconciled a double-entered paper sheet's differing values. */
  reconciledBy?: string | null;
  crossCheckedBy: string | null;
  /** VIP, flagged doubtful by the cross-checker, identity warnings or a possible duplicate. */
  needsFinal: boolean;
  /** Field → note from the last failed cross-check, for the enterer to fix. */
  returnNotes: Record<string, string>;
  lastReason: string | null;
  /** When the current status began (deadlines count from here). */
  since: number;
  /** Events that did not apply when the status was derived; non-empty means the record needs a lead's attention. */
  attention: readonly AttentionNote[];
}

export interface ReviewPolicy {
  /** May the lead who approves a cross-check be the one who did it? Off by default. */
  leadMayApproveOwnCrossCheck: boolean;
}

export const DEFAULT_POLICY: ReviewPolicy = { leadMayApproveOwnCrossCheck: false };

export type Refusal =
  | 'wrong_status'
  | 'own_record'
  | 'not_enterer'
  | 'role_not_allowed'
  | 'lead_is_cross_checker'
  | 'notes_required'
  | 'reason_required'
  | 'unknown_event';

export type Transition = { ok: true; state: ReviewState } | { ok: false; refusal: Refusal };

export const INITIAL_STATE: ReviewState = { status: 'draft', enteredBy: null, crossCheckedBy: null, needsFinal: false, returnNotes: {}, lastReason: null, since: 0, attention: [] };

/** Check a new decision against the machine under today's policy. */
export function apply(state: ReviewState, event: ReviewEvent, policy: ReviewPolicy = DEFAULT_POLICY): Transition {
  return step(state, event, policy, true);
}

/**
 * One transition. `strict` checks who may decide and the policy; otherwise (replaying a stored
 * event that was refused under its rules) only the status must fit, so the record still shows what
 * was decided.
 */
function step(state: ReviewState, event: ReviewEvent, policy: ReviewPolicy, strict: boolean): Transition {
  const refuse = (refusal: Refusal): Transition => ({ ok: false, refusal });
  /** A rule about who decides or what policy allows: enforced on new decisions only. */
  const breaks = (broken: boolean): boolean => strict && broken;
  const to = (status: ReviewStatus, changes: Partial<ReviewState> = {}): Transition => ({ ok: true, state: { ...state, ...changes, status, since: event.at } });
  const isEnterer = event.by.staffId === state.enteredBy || (state.coEntrants ?? []).includes(event.by.staffId);
  // Separation of duties: whoever entered a record, or decided its values in a reconciliation,
  // never cross-checks it nor gives it the final review; the reconciling lead may still approve
  // the cross-check an independent colleague did (docs/decisions/0016).
  const isAuthor = isEnterer || (state.reconciledBy !== undefined && state.reconciledBy !== null && event.by.staffId === state.reconciledBy);

  switch (event.kind) {
    case 'submitted':
      if (state.status !== 'draft') return refuse('wrong_status');
      return to('pending_cross_check', {
        enteredBy: event.by.staffId,
        needsFinal: event.needsFinal,
        ...(event.coEntrants && event.coEntrants.length > 0 ? { coEntrants: event.coEntrants } : {}),
        ...(event.reconciledBy ? { reconciledBy: event.reconciledBy } : {}),
      });
    case 'cross_check_passed':
    case 'cross_check_failed': {
      if (state.status !== 'pending_cross_check') return refuse('wrong_status');
      if (breaks(isAuthor)) return refuse('own_record');
      if (breaks(!isCheckerRole(event.by.role))) return refuse('role_not_allowed');
      if (event.kind === 'cross_check_failed') {
        if (breaks(Object.keys(event.notes).length === 0)) return refuse('notes_required');
        return to('returned', { crossCheckedBy: event.by.staffId, returnNotes: event.notes });
      }
      return to('pending_lead_approval', { crossCheckedBy: event.by.staffId, needsFinal: state.needsFinal || event.doubtful, returnNotes: {} });
    }
    case 'resubmitted':
      if (state.status !== 'returned' && state.status !== 'rejected') return refuse('wrong_status');
      if (breaks(event.by.staffId !== state.enteredBy)) return refuse('not_enterer');
      return to('pending_cross_check', { crossCheckedBy: null });
    case 'lead_approved':
    case 'lead_sent_back':
      if (state.status !== 'pending_lead_approval') return refuse('wrong_status');
      if (breaks(!isLeadRole(event.by.role))) return refuse('role_not_allowed');
      if (breaks(isEnterer)) return refuse('own_record');
      if (event.kind === 'lead_sent_back') {
        if (breaks(event.reason.trim() === '')) return refuse('reason_required');
        return to('pending_cross_check', { crossCheckedBy: null, lastReason: event.reason });
      }
      if (breaks(event.by.staffId === state.crossCheckedBy && !policy.leadMayApproveOwnCrossCheck)) return refuse('lead_is_cross_checker');
      return to(state.needsFinal ? 'pending_final_review' : 'valid');
    case 'final_approved':
    case 'final_rejected':
      if (state.status !== 'pending_final_review') return refuse('wrong_status');
      if (breaks(event.by.role !== 'manager')) return refuse('role_not_allowed');
      if (breaks(isAuthor)) return refuse('own_record');
      if (event.kind === 'final_rejected') {
        if (breaks(event.reason.trim() === '')) return refuse('reason_required');
        return to('rejected', { lastReason: event.reason });
      }
      return to('valid');
    case 'correction_opened':
      // A valid record is locked; changes go through a new correction intake with its own review.
      if (state.status !== 'valid') return refuse('wrong_status');
      return { ok: true, state };
    default: {
      // Exhaustive for the kinds this version knows; a kind from a newer version (arriving by sync) is noted, not thrown.
      const unknown: never = event;
      void unknown;
      return refuse('unknown_event');
    }
  }
}

/**
 * Fold a record's events into its state. Never throws: each stored event is judged under the
 * policy recorded with it (today's policy for events from before policies were recorded). An event
 * that does not apply still counts where its status allows (it was decided and stored), and is
 * noted in `attention`, so the record goes to a lead's attention queue instead of failing.
 */
export function derive(events: readonly ReviewEvent[], policy: ReviewPolicy = DEFAULT_POLICY): ReviewState {
  return events.reduce((state, event) => replayStep(state, event, policy).state, INITIAL_STATE);
}

/**
 * One stored event replayed: under the policy recorded with it (today's when none was recorded).
 * An event that breaks only a rule about who decides or what the policy allows still moves the
 * status, with a note in `attention`; one that does not fit the status at all (`contradiction`:
 * e.g. two desks decided differently while offline) leaves the status where it was, noted too.
 */
export function replayStep(state: ReviewState, event: ReviewEvent, policy: ReviewPolicy = DEFAULT_POLICY): { state: ReviewState; contradiction: boolean } {
  const rules = event.policy ?? policy;
  const next = step(state, event, rules, true);
  if (next.ok) return { state: next.state, contradiction: false };
  const lenient = step(state, event, rules, false);
  const base = lenient.ok ? lenient.state : state;
  return { state: { ...base, attention: [...state.attention, { kind: event.kind, at: event.at, by: event.by.staffId, refusal: next.refusal }] }, contradiction: !lenient.ok };
}
