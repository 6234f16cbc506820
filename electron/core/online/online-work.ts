/**
 * The work on online submissions, shared by every desk through the op log (issue 15;
 * docs/decisions/0015-online-desk.md): the "线上提交" queue with its countdown from the server's
 * receipt, claims, loading a submission at the counter by its receipt code and marking it processed
 * when it is saved as an intake, and the follow-up list. Pulling, the sweep and the settings are in
 * online-service.ts.
 */
import { isLeadRole, type Role } from '../../../shared/domain/auth/roles';
import type { Consent } from '../../../shared/domain/intake/consent';
import type { IntakeFields } from '../../../shared/domain/intake/fields';
import { maskMobile, maskName } from '../../../shared/domain/masking';
import { deadlineOf, type Deadline } from '../../../shared/domain/review/deadlines';
import { submissionPayloadSchema } from '../../../shared/online/submission';
import { DomainError } from '../errors';
import type { Services } from '../services';
import type { FOLLOW_UP_ATTEMPTS, FOLLOW_UP_OUTCOMES } from './online-projector';
import { displayReceipt, normaliseReceiptCode, onlineSettings, onlineStore } from './online-service';
import type { SubmissionWithWork } from './online-store';
import { submissionToIntake } from './submission-intake';

/** How long a claim holds when its holder does not finish; then anyone may take the submission. */
export const CLAIM_MINUTES = 15;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

// ------------------------------------------------------------------ the queue

export interface OnlineQueueItem {
  submissionId: string;
  receiptCode: string;
  receivedAt: number;
  deadline: Deadline | null;
  state: 'ready' | 'quarantined';
  problem: string | null;
  name: string;
  mobile: string;
  folded: number;
  claim: { staffId: string; name: string; until: number; mine: boolean } | null;
  followUp: boolean;
  followUpReason: string;
  attempts: number;
  outcome: string;
  escalatedAt: number | null;
  breachedAt: number | null;
}

function fieldsOf(row: SubmissionWithWork): IntakeFields | null {
  if (!row.payload) return null;
  return submissionToIntake(submissionPayloadSchema.parse(JSON.parse(row.payload))).fields;
}

function queueItem(services: Services, row: SubmissionWithWork, me: string, now: number): OnlineQueueItem {
  const fields = fieldsOf(row);
  const claimValid = row.claimed_by !== null && row.claim_until !== null && row.claim_until > now;
  const holder = claimValid && row.claimed_by ? services.staff.byId(row.claimed_by) : undefined;
  return {
    submissionId: row.id,
    receiptCode: displayReceipt(row.receipt_code),
    receivedAt: row.first_received_at,
    deadline: deadlineOf({ source: 'online', status: 'draft', receivedAt: row.first_received_at, statusSince: row.first_received_at }, now),
    state: row.state === 'quarantined' ? 'quarantined' : 'ready',
    problem: row.state === 'quarantined' ? row.problem : null,
    name: fields ? maskName(fields.name) : '',
    mobile: fields ? maskMobile(fields.mobile) : '',
    folded: row.folded,
    claim: claimValid && row.claimed_by ? { staffId: row.claimed_by, name: holder?.displayName ?? '', until: row.claim_until ?? 0, mine: row.claimed_by === me } : null,
    followUp: row.follow_up === 1,
    followUpReason: row.follow_up_reason ?? '',
    attempts: row.attempts,
    outcome: row.outcome ?? '',
    escalatedAt: row.escalated_at,
    breachedAt: row.breached_at,
  };
}

/**
 * The "线上提交" queue, most urgent first; the follow-up list; and, for a lead, the alerts (open
 * submissions past 90 minutes) and the breaches recorded in the last 7 days.
 */
export function onlineQueue(services: Services, actor: { staffId: string; role: Role }) {
  const store = onlineStore(services);
  const now = services.ctx.now();
  const open = store.open().map((row) => queueItem(services, row, actor.staffId, now));
  const items = open.filter((item) => !item.followUp).sort((a, b) => a.receivedAt - b.receivedAt);
  const followUp = [...open.filter((item) => item.followUp), ...store.followUps().filter((row) => row.processed_at !== null || row.expired_at !== null).map((row) => queueItem(services, row, actor.staffId, now))];
  const lead = isLeadRole(actor.role);
  const alerts = lead ? open.filter((item) => item.deadline && (item.deadline.state === 'escalated' || item.deadline.state === 'breached')).length : 0;
  const breaches = lead
    ? store.breachesSince(now - 7 * DAY).map((row) => ({ submissionId: row.id, receiptCode: displayReceipt(row.receipt_code), receivedAt: row.first_received_at, breachedAt: row.breached_at ?? 0, processedAt: row.processed_at, expiredAt: row.expired_at }))
    : [];
  return { items, followUp, alerts, breaches, settings: onlineSettings(services) };
}

function openRow(services: Services, submissionId: string): SubmissionWithWork {
  const row = onlineStore(services).byId(submissionId);
  if (!row) throw new DomainError('NOT_FOUND', 'no such online submission', { submissionId: 'online_unknown' });
  return row;
}

function assertWorkable(row: SubmissionWithWork): void {
  if (row.processed_at !== null) throw new DomainError('CONFLICT', 'this submission has been processed already', { receiptCode: 'online_processed' });
  if (row.expired_at !== null || row.state === 'erased') throw new DomainError('CONFLICT', 'this submission expired and was erased', { receiptCode: 'online_expired' });
  if (row.state === 'quarantined') throw new DomainError('CONFLICT', 'this submission could not be opened; it is kept in quarantine', { receiptCode: 'online_quarantined' });
}

/** Take a submission so no other desk works it; the claim runs out after CLAIM_MINUTES. */
export function claimSubmission(services: Services, staffId: string, submissionId: string): { until: number } {
  const row = openRow(services, submissionId);
  const claim = prepareClaim(services, staffId, row);
  services.transact(claim.commit);
  return { until: claim.until };
}

/** Checks a claim may be taken now; `commit` (inside the caller's transaction) takes it. */
function prepareClaim(services: Services, staffId: string, row: SubmissionWithWork): { until: number; commit: () => void } {
  assertWorkable(row);
  const now = services.ctx.now();
  if (row.claimed_by && row.claimed_by !== staffId && row.claim_until !== null && row.claim_until > now) {
    const holder = services.staff.byId(row.claimed_by);
    throw new DomainError('CONFLICT', 'a colleague is working on this submission', { receiptCode: 'online_claimed' }, { claimedBy: holder?.displayName ?? '', until: row.claim_until });
  }
  const until = now + CLAIM_MINUTES * MINUTE;
  return {
    until,
    commit: () => {
      services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { claimedBy: staffId, claimedAt: now, claimUntil: until } });
      services.audit.append(staffId, 'online.claim', row.id);
    },
  };
}

export function releaseSubmission(services: Services, staffId: string, submissionId: string): void {
  const row = openRow(services, submissionId);
  if (row.claimed_by !== staffId) return;
  services.transact(() => {
    services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { claimedBy: null, claimUntil: null } });
    services.audit.append(staffId, 'online.release', row.id);
  });
}

/**
 * The entry a submission was loaded into is discarded: the person's claim on it ends at once (rather
 * than when it runs out), so a colleague can take it. Inside the caller's transaction; nothing when
 * the claim is not theirs or the submission was processed or is unknown, so the discard never fails.
 */
export function releaseLoadedOnDiscard(services: Services, staffId: string, submissionId: string): boolean {
  const row = onlineStore(services).byId(submissionId);
  if (!row || row.claimed_by !== staffId || row.processed_at !== null) return false;
  services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { claimedBy: null, claimUntil: null } });
  services.audit.append(staffId, 'online.release', row.id);
  return true;
}

/**
 * At the counter: the receipt code the customer shows (typed, or scanned by a barcode wedge) loads
 * the submission into the walk-in form. It is claimed for this person; the returning-customer offer
 * and the ID check follow on the screen, and `submitWalkIn` with `online` saves it.
 */
export function loadByReceipt(services: Services, staffId: string, text: string): { submissionId: string; receiptCode: string; receivedAt: number; deadline: Deadline | null; fields: IntakeFields; consent: Consent; claimUntil: number } {
  if (!services.staff.byId(staffId)?.certified) throw new DomainError('FORBIDDEN', 'only certified staff may enter real customer records', undefined, { reason: 'not_certified' });
  const code = normaliseReceiptCode(text);
  if (!code) throw new DomainError('VALIDATION', 'a receipt code is 8 characters', { receiptCode: 'receipt_format' });
  const store = onlineStore(services);
  const found = store.byReceipt(code);
  if (!found) throw new DomainError('NOT_FOUND', 'no online submission with this receipt code has reached this desk', { receiptCode: 'receipt_unknown' });
  // A receipt of a submission the customer sent again: the newer one stands for both.
  const row = found.folded_into ? (store.byId(found.folded_into) ?? found) : found;
  const claim = prepareClaim(services, staffId, row);
  const payload = submissionPayloadSchema.parse(JSON.parse(row.payload ?? '{}'));
  const { fields, consent } = submissionToIntake(payload);
  const until = claim.until;
  // One commit: the claim (an op every desk receives) and the audited load.
  services.transact(() => {
    claim.commit();
    services.audit.append(staffId, 'online.load', row.id);
  });
  const now = services.ctx.now();
  return {
    submissionId: row.id,
    receiptCode: displayReceipt(row.receipt_code),
    receivedAt: row.first_received_at,
    deadline: deadlineOf({ source: 'online', status: 'draft', receivedAt: row.first_received_at, statusSince: row.first_received_at }, now),
    fields,
    consent,
    claimUntil: until,
  };
}

/**
 * Saving a loaded submission (called by submit, before its transaction): it must still be open and
 * not held by a colleague; the staff member must have checked the ID the customer shows. Answers the
 * receipt time the intake's deadline runs from, and the step that marks it processed inside the
 * intake's transaction.
 */
export function prepareProcessing(services: Services, staffId: string, input: { submissionId: string; idChecked: boolean }): { receivedAt: number; commit: (intakeId: string) => void } {
  const row = openRow(services, input.submissionId);
  assertWorkable(row);
  const now = services.ctx.now();
  if (row.claimed_by && row.claimed_by !== staffId && row.claim_until !== null && row.claim_until > now) {
    throw new DomainError('CONFLICT', 'a colleague is working on this submission', { receiptCode: 'online_claimed' });
  }
  if (!input.idChecked) throw new DomainError('VALIDATION', 'check the ID the customer shows against the submission', { idChecked: 'online_id_check_required' });
  return {
    receivedAt: row.first_received_at,
    commit: (intakeId) => {
      services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { processedIntakeId: intakeId, processedBy: staffId, processedAt: now, claimedBy: null, claimUntil: null } });
      const store = onlineStore(services);
      for (const id of store.group(row.id)) store.erase(id, now, false);
      services.audit.append(staffId, 'online.processed', row.id, { intakeId });
    },
  };
}

// ------------------------------------------------------------------ follow-up

/** An incomplete or doubtful submission goes to the follow-up list (nothing is deleted by hand). */
export function markFollowUp(services: Services, staffId: string, input: { submissionId: string; reason: string }): void {
  const row = openRow(services, input.submissionId);
  if (row.processed_at !== null || row.expired_at !== null) throw new DomainError('CONFLICT', 'this submission is closed', { submissionId: 'online_closed' });
  services.transact(() => {
    services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { followUp: true, followUpReason: input.reason, claimedBy: null, claimUntil: null } });
    services.audit.append(staffId, 'online.follow_up', row.id);
  });
}

export function recordAttempt(services: Services, staffId: string, input: { submissionId: string; kind: (typeof FOLLOW_UP_ATTEMPTS)[number]; note: string }): { attemptId: string } {
  const row = openRow(services, input.submissionId);
  const attemptId = services.ctx.randomId('oat');
  services.transact(() => {
    services.ops.append(staffId, { entity: 'online_attempt', entityId: attemptId, changes: { submissionId: row.id, kind: input.kind, note: input.note, by: staffId, at: services.ctx.now() } });
    services.audit.append(staffId, 'online.attempt', row.id, { kind: input.kind });
  });
  return { attemptId };
}

export function setOutcome(services: Services, staffId: string, input: { submissionId: string; outcome: (typeof FOLLOW_UP_OUTCOMES)[number]; note: string }): void {
  const row = openRow(services, input.submissionId);
  services.transact(() => {
    services.ops.append(staffId, { entity: 'online_submission', entityId: row.id, changes: { outcome: input.outcome, outcomeNote: input.note } });
    services.audit.append(staffId, 'online.outcome', row.id, { outcome: input.outcome });
  });
}

export function followUpDetail(services: Services, submissionId: string) {
  const row = openRow(services, submissionId);
  return {
    submissionId: row.id,
    receiptCode: displayReceipt(row.receipt_code),
    attempts: onlineStore(services).attempts(row.id).map((a) => ({ id: a.id, kind: a.kind, note: a.note, by: services.staff.byId(a.by_staff)?.displayName ?? '', at: a.at })),
    outcome: row.outcome ?? '',
    outcomeNote: row.outcome_note ?? '',
  };
}
