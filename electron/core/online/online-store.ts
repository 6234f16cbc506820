/**
 * This desk's copy of the site's online submissions (migration 0010): what it pulled, opened and
 * validated (or quarantined), joined with the workflow that the op log projects from every desk.
 * SQL only here, as prepared statements.
 */
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';

export interface SubmissionRow {
  id: string;
  receipt_code: string;
  received_at: number;
  size: number;
  state: 'ready' | 'quarantined' | 'erased';
  payload: string | null;
  sealed: string | null;
  problem: string;
  phone_key: string;
  folded_into: string | null;
  pulled_at: number;
  erased_at: number | null;
  erase_sent: number;
}

export interface WorkRow {
  claimed_by: string | null;
  claimed_at: number | null;
  claim_until: number | null;
  processed_intake_id: string | null;
  processed_by: string | null;
  processed_at: number | null;
  follow_up: number | null;
  follow_up_reason: string | null;
  outcome: string | null;
  outcome_note: string | null;
  escalated_at: number | null;
  breached_at: number | null;
  expired_at: number | null;
}

/** A submission with its workflow, and the earliest receipt of the submissions folded into it (its deadline runs from there). */
export type SubmissionWithWork = SubmissionRow & WorkRow & { first_received_at: number; folded: number; attempts: number };

const WITH_WORK = `SELECT s.*, w.claimed_by, w.claimed_at, w.claim_until, w.processed_intake_id, w.processed_by, w.processed_at, w.follow_up, w.follow_up_reason,
    w.outcome, w.outcome_note, w.escalated_at, w.breached_at, w.expired_at,
    min(s.received_at, coalesce((SELECT min(f.received_at) FROM online_submissions f WHERE f.folded_into = s.id), s.received_at)) AS first_received_at,
    (SELECT count(*) FROM online_submissions f WHERE f.folded_into = s.id) AS folded,
    (SELECT count(*) FROM online_attempts a WHERE a.submission_id = s.id) AS attempts
  FROM online_submissions s LEFT JOIN online_work w ON w.id = s.id`;

const statements = statementsFor((db: Db) => ({
  insert: db.prepare<{ id: string; receiptCode: string; receivedAt: number; size: number; state: string; payload: string | null; sealed: string | null; problem: string; phoneKey: string; pulledAt: number; erasedAt: number | null; eraseSent: number }>(
    `INSERT INTO online_submissions (id, receipt_code, received_at, size, state, payload, sealed, problem, phone_key, pulled_at, erased_at, erase_sent)
     VALUES (:id, :receiptCode, :receivedAt, :size, :state, :payload, :sealed, :problem, :phoneKey, :pulledAt, :erasedAt, :eraseSent)
     ON CONFLICT (id) DO NOTHING`,
  ),
  byId: db.prepare<[string], SubmissionWithWork>(`${WITH_WORK} WHERE s.id = ?`),
  byReceipt: db.prepare<[string], SubmissionWithWork>(`${WITH_WORK} WHERE s.receipt_code = ?`),
  /** Open work: not folded into another, not processed, not expired (ready or quarantined). */
  open: db.prepare<[], SubmissionWithWork>(
    `${WITH_WORK} WHERE s.state <> 'erased' AND s.folded_into IS NULL AND w.processed_at IS NULL AND w.expired_at IS NULL ORDER BY s.received_at, s.id LIMIT 1000`,
  ),
  /** Recorded breaches (also of submissions processed late), newest first. */
  breaches: db.prepare<[number], SubmissionWithWork>(`${WITH_WORK} WHERE w.breached_at IS NOT NULL AND w.breached_at >= ? ORDER BY w.breached_at DESC LIMIT 500`),
  foldTarget: db.prepare<{ phoneKey: string; since: number; id: string }, { id: string }>(
    `SELECT s.id FROM online_submissions s LEFT JOIN online_work w ON w.id = s.id
     WHERE s.phone_key = :phoneKey AND s.received_at >= :since AND s.id <> :id AND s.state = 'ready' AND s.folded_into IS NULL
       AND w.processed_at IS NULL AND w.expired_at IS NULL AND (w.claim_until IS NULL)
     ORDER BY s.received_at DESC, s.id DESC LIMIT 1`,
  ),
  fold: db.prepare<{ into: string; old: string }>('UPDATE online_submissions SET folded_into = :into WHERE id = :old OR folded_into = :old'),
  group: db.prepare<[string, string], { id: string }>('SELECT id FROM online_submissions WHERE id = ? OR folded_into = ?'),
  erase: db.prepare<{ id: string; at: number; sent: number }>(
    `UPDATE online_submissions SET state = 'erased', payload = NULL, sealed = NULL, phone_key = '', erased_at = coalesce(erased_at, :at), erase_sent = max(erase_sent, :sent) WHERE id = :id`,
  ),
  /** Rows whose work is done (processed or expired, on any desk) but whose plaintext this desk still holds. */
  doneButHeld: db.prepare<[], { id: string }>(
    `SELECT s.id FROM online_submissions s JOIN online_work w ON w.id = coalesce(s.folded_into, s.id)
     WHERE s.state <> 'erased' AND (w.processed_at IS NOT NULL OR w.expired_at IS NOT NULL)`,
  ),
  unsentErasures: db.prepare<[], { id: string }>(`SELECT id FROM online_submissions WHERE state = 'erased' AND erase_sent = 0 ORDER BY erased_at, id LIMIT 500`),
  markSent: db.prepare<[string]>('UPDATE online_submissions SET erase_sent = 1 WHERE id = ?'),
  attempts: db.prepare<[string], { id: string; kind: string; note: string; by_staff: string; at: number }>('SELECT id, kind, note, by_staff, at FROM online_attempts WHERE submission_id = ? ORDER BY at, id'),
  followUps: db.prepare<[], SubmissionWithWork>(`${WITH_WORK} WHERE w.follow_up = 1 AND s.folded_into IS NULL ORDER BY s.received_at DESC LIMIT 500`),
}));

export class OnlineStore {
  constructor(private readonly db: Db) {}

  private get s() {
    return statements(this.db);
  }

  insert(row: { id: string; receiptCode: string; receivedAt: number; size: number; state: SubmissionRow['state']; payload: string | null; sealed: string | null; problem: string; phoneKey: string; pulledAt: number; erasedAt: number | null; eraseSent: boolean }): boolean {
    return this.s.insert.run({ ...row, eraseSent: row.eraseSent ? 1 : 0 }).changes > 0;
  }

  byId(id: string): SubmissionWithWork | undefined {
    return this.s.byId.get(id);
  }

  byReceipt(code: string): SubmissionWithWork | undefined {
    return this.s.byReceipt.get(code);
  }

  open(): SubmissionWithWork[] {
    return this.s.open.all();
  }

  breachesSince(since: number): SubmissionWithWork[] {
    return this.s.breaches.all(since);
  }

  followUps(): SubmissionWithWork[] {
    return this.s.followUps.all();
  }

  /** An earlier open submission from the same phone within the window, which the new one replaces (nobody has claimed it yet). */
  foldTarget(phoneKey: string, since: number, id: string): string | undefined {
    return this.s.foldTarget.get({ phoneKey, since, id })?.id;
  }

  /** `old` (and whatever was folded into it) now stands behind `into`. */
  fold(old: string, into: string): void {
    this.s.fold.run({ into, old });
  }

  /** The submission and those folded into it. */
  group(id: string): string[] {
    return this.s.group.all(id, id).map((row) => row.id);
  }

  /** Drop the plaintext and the envelope, keeping the tombstone; `sent` when the server has erased it already. */
  erase(id: string, at: number, sent: boolean): void {
    this.s.erase.run({ id, at, sent: sent ? 1 : 0 });
  }

  doneButHeld(): string[] {
    return this.s.doneButHeld.all().map((row) => row.id);
  }

  unsentErasures(): string[] {
    return this.s.unsentErasures.all().map((row) => row.id);
  }

  markEraseSent(ids: readonly string[]): void {
    for (const id of ids) this.s.markSent.run(id);
  }

  attempts(id: string) {
    return this.s.attempts.all(id);
  }
}
