/**
 * Review events: stored append-only, and the intake's status re-derived from all of its events
 * (shared/domain/review/machine.ts) every time one arrives — the status and needs_attention
 * columns are a cache. Deriving never throws, so a stored event always projects.
 */
import { deriveTolerant, needsLead, type AnyReviewEvent } from '../../../shared/domain/review/attention';
import type { Db } from '../db/connection';
import { z } from 'zod';
import type { OpKind, StoredOp } from '../oplog/types';
import { statementsFor } from '../db/statements';

interface EventRow {
  kind: AnyReviewEvent['kind'];
  by_staff: string;
  by_role: string;
  at: number;
  payload: string;
}

const statements = statementsFor((db: Db) => ({
  insert: db.prepare('INSERT OR IGNORE INTO review_events (id, intake_id, kind, by_staff, by_role, at, payload, hlc) VALUES (:id, :intakeId, :kind, :byStaff, :byRole, :at, :payload, :hlc)'),
  events: db.prepare('SELECT kind, by_staff, by_role, at, payload FROM review_events WHERE intake_id = ? ORDER BY hlc'),
  update: db.prepare('UPDATE intakes SET status = :status, status_since = :since, cross_checked_by = :crossCheckedBy, needs_attention = :needsAttention WHERE id = :intakeId'),
  policy: db.prepare("SELECT doc FROM config WHERE id = 'review_policy'"),
  intakeStored: db.prepare<[string], number>('SELECT 1 FROM intakes WHERE id = ?').pluck(),
}));

export function toReviewEvent(row: EventRow): AnyReviewEvent {
  return { ...(JSON.parse(row.payload) as object), kind: row.kind, by: { staffId: row.by_staff, role: row.by_role }, at: row.at } as AnyReviewEvent;
}

export function projectReviewEvent(db: Db, op: StoredOp): void {
  const { insert, intakeStored } = statements(db);
  const changes = op.changes;
  const intakeId = String(changes['intakeId']);
  insert.run({ id: op.entityId, intakeId, kind: changes['kind'], byStaff: changes['byStaff'], byRole: changes['byRole'], at: changes['at'], payload: changes['payload'] ?? '{}', hlc: op.hlc });
  // An intake not stored yet (its own submit's event comes first) takes its status as it is inserted.
  if (intakeStored.get(intakeId) !== undefined) rederiveStatus(db, intakeId);
}

/** An intake's status columns as its events decide them; null while it has none. */
export interface DerivedStatus {
  status: string;
  since: number;
  crossCheckedBy: string | null;
  needsAttention: 0 | 1;
}

export function derivedStatus(db: Db, intakeId: string): DerivedStatus | null {
  const { events, policy } = statements(db);
  const rows = events.all(intakeId) as EventRow[];
  if (rows.length === 0) return null;
  const policyRow = policy.get([]) as { doc: string } | undefined;
  // Each event carries the policy it was decided under; today's policy only judges events from before that was recorded.
  const state = deriveTolerant(rows.map(toReviewEvent), { leadMayApproveOwnCrossCheck: policyRow ? Boolean((JSON.parse(policyRow.doc) as Record<string, unknown>)['leadMayApproveOwnCrossCheck']) : false });
  return { status: state.status, since: state.since, crossCheckedBy: state.crossCheckedBy, needsAttention: needsLead(state) ? 1 : 0 };
}

/** The intake's status columns, from all of its events (an intake not stored yet takes them as it is inserted). */
export function rederiveStatus(db: Db, intakeId: string): void {
  const derived = derivedStatus(db, intakeId);
  if (derived) statements(db).update.run({ ...derived, intakeId });
}

export const REVIEW_EVENT_OPS: OpKind = {
  payload: z.object({ intakeId: z.string().min(1).max(80), kind: z.string().min(1).max(40), byStaff: z.string().max(80), byRole: z.string().max(40), at: z.number(), payload: z.string().max(20_000).optional() }).strict(),
  project: projectReviewEvent,
};
