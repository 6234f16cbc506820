/**
 * Review events: stored append-only, and the intake's status re-derived from all of its events
 * (shared/domain/review/machine.ts) every time one arrives — the status and needs_attention
 * columns are a cache. Deriving never throws, so a stored event always projects.
 */
import { derive, type ReviewEvent } from '../../../shared/domain/review/machine';
import type { Db } from '../db/connection';
import type { StoredOp } from '../oplog/oplog';
import { statementsFor } from '../db/statements';

interface EventRow {
  kind: ReviewEvent['kind'];
  by_staff: string;
  by_role: string;
  at: number;
  payload: string;
}

const statements = statementsFor((db: Db) => ({
  insert: db.prepare('INSERT INTO review_events (id, intake_id, kind, by_staff, by_role, at, payload, hlc) VALUES (:id, :intakeId, :kind, :byStaff, :byRole, :at, :payload, :hlc)'),
  events: db.prepare('SELECT kind, by_staff, by_role, at, payload FROM review_events WHERE intake_id = ? ORDER BY hlc'),
  update: db.prepare('UPDATE intakes SET status = :status, status_since = :since, cross_checked_by = :crossCheckedBy, needs_attention = :needsAttention WHERE id = :intakeId'),
  policy: db.prepare("SELECT doc FROM config WHERE id = 'review_policy'"),
}));

export function toReviewEvent(row: EventRow): ReviewEvent {
  return { ...(JSON.parse(row.payload) as object), kind: row.kind, by: { staffId: row.by_staff, role: row.by_role }, at: row.at } as ReviewEvent;
}

export function projectReviewEvent(db: Db, op: StoredOp): void {
  const { insert, events, update, policy } = statements(db);
  const changes = op.changes;
  const intakeId = String(changes['intakeId']);
  insert.run({ id: op.entityId, intakeId, kind: changes['kind'], byStaff: changes['byStaff'], byRole: changes['byRole'], at: changes['at'], payload: changes['payload'] ?? '{}', hlc: op.hlc });
  const policyRow = policy.get([]) as { doc: string } | undefined;
  // Each event carries the policy it was decided under; today's policy only judges events from before that was recorded.
  const state = derive((events.all(intakeId) as EventRow[]).map(toReviewEvent), { leadMayApproveOwnCrossCheck: policyRow ? Boolean((JSON.parse(policyRow.doc) as Record<string, unknown>)['leadMayApproveOwnCrossCheck']) : false });
  update.run({ status: state.status, since: state.since, crossCheckedBy: state.crossCheckedBy, needsAttention: state.attention.length > 0 ? 1 : 0, intakeId });
}
