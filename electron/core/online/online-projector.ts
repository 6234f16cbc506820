/**
 * Projections of the online-submission workflow (migration 0010): `online_submission` ops set the
 * fields of a submission's work row (claim, processing, follow-up, outcome, escalation, breach,
 * expiry), per-field last-writer-wins by HLC; `online_attempt` ops add one attempt to reach the
 * customer each (grow-only: nothing is deleted by hand). Any order of the same ops gives the same
 * rows, so every desk of the site sees the same queue and `npm run rebuild` re-derives it.
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import type { OpKind } from '../oplog/types';

import { FOLLOW_UP_ATTEMPT_KINDS as FOLLOW_UP_ATTEMPTS, FOLLOW_UP_OUTCOME_KINDS as FOLLOW_UP_OUTCOMES } from '../../../shared/api/online-methods';

export { FOLLOW_UP_ATTEMPTS, FOLLOW_UP_OUTCOMES };

const WORK_FIELDS = {
  claimedBy: 'claimed_by',
  claimedAt: 'claimed_at',
  claimUntil: 'claim_until',
  processedIntakeId: 'processed_intake_id',
  processedBy: 'processed_by',
  processedAt: 'processed_at',
  followUp: 'follow_up',
  followUpReason: 'follow_up_reason',
  outcome: 'outcome',
  outcomeNote: 'outcome_note',
  escalatedAt: 'escalated_at',
  breachedAt: 'breached_at',
  expiredAt: 'expired_at',
} as const;

const EMPTY_WORK = {
  claimed_by: null,
  claimed_at: null,
  claim_until: null,
  processed_intake_id: null,
  processed_by: null,
  processed_at: null,
  follow_up: 0,
  follow_up_reason: '',
  outcome: '',
  outcome_note: '',
  escalated_at: null,
  breached_at: null,
  expired_at: null,
};

const statements = statementsFor((db: Db) => ({
  get: db.prepare('SELECT * FROM online_work WHERE id = ?'),
  put: db.prepare(
    `INSERT INTO online_work (id, claimed_by, claimed_at, claim_until, processed_intake_id, processed_by, processed_at, follow_up, follow_up_reason, outcome, outcome_note,
       escalated_at, breached_at, expired_at, updated_hlc, field_hlc)
     VALUES (:id, :claimed_by, :claimed_at, :claim_until, :processed_intake_id, :processed_by, :processed_at, :follow_up, :follow_up_reason, :outcome, :outcome_note,
       :escalated_at, :breached_at, :expired_at, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at, claim_until = excluded.claim_until,
       processed_intake_id = excluded.processed_intake_id, processed_by = excluded.processed_by, processed_at = excluded.processed_at,
       follow_up = excluded.follow_up, follow_up_reason = excluded.follow_up_reason, outcome = excluded.outcome, outcome_note = excluded.outcome_note,
       escalated_at = excluded.escalated_at, breached_at = excluded.breached_at, expired_at = excluded.expired_at,
       updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
  attempt: db.prepare(
    `INSERT INTO online_attempts (id, submission_id, kind, note, by_staff, at, hlc) VALUES (:id, :submissionId, :kind, :note, :by, :at, :hlc)
     ON CONFLICT (id) DO NOTHING`,
  ),
}));

const sorted = (record: Record<string, string>): string => JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
const text = (max: number) => z.string().max(max);
const time = z.number().int().nonnegative();

export const ONLINE_SUBMISSION_OPS: OpKind = {
  payload: z
    .object({
      claimedBy: text(80).nullable(),
      claimedAt: time.nullable(),
      claimUntil: time.nullable(),
      processedIntakeId: text(80).nullable(),
      processedBy: text(80).nullable(),
      processedAt: time.nullable(),
      followUp: z.boolean(),
      followUpReason: text(500),
      outcome: z.enum(FOLLOW_UP_OUTCOMES),
      outcomeNote: text(500),
      escalatedAt: time.nullable(),
      breachedAt: time.nullable(),
      expiredAt: time.nullable(),
    })
    .partial()
    .strict(),
  project: (db, op) => {
    const s = statements(db);
    const current = s.get.get(op.entityId) as Record<string, unknown> | undefined;
    const next: Record<string, unknown> = current ? { ...current } : { ...EMPTY_WORK, id: op.entityId, updated_hlc: op.hlc, field_hlc: '{}' };
    const fieldHlc = JSON.parse(String(next['field_hlc'])) as Record<string, string>;
    for (const [field, value] of Object.entries(op.changes)) {
      const column = (WORK_FIELDS as Record<string, string>)[field];
      if (!column) throw new Error(`online_submission has no field ${field}`);
      if (op.hlc < (fieldHlc[field] ?? '')) continue;
      fieldHlc[field] = op.hlc;
      next[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    if (!current || String(current['updated_hlc']) < op.hlc) next['updated_hlc'] = op.hlc;
    next['field_hlc'] = sorted(fieldHlc);
    s.put.run(next);
  },
};

export const ONLINE_ATTEMPT_OPS: OpKind = {
  payload: z.object({ submissionId: text(80), kind: z.enum(FOLLOW_UP_ATTEMPTS), note: text(500), by: text(80), at: time }).strict(),
  project: (db, op) => {
    const c = op.changes;
    statements(db).attempt.run({ id: op.entityId, submissionId: c['submissionId'], kind: c['kind'], note: c['note'], by: c['by'], at: c['at'], hlc: op.hlc });
  },
};
