/**
 * Projections of paper transcriptions (migration 0011): each transcription of a sheet
 * (`paper_entry`) and the outcome of comparing two of them (`paper_decision`: agreed, disagreed,
 * or reconciled by the group lead field by field). Per-field last-writer-wins by HLC, like the
 * batches, so any order of the same ops gives the same rows and `npm run rebuild` re-derives them.
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import type { OpKind } from '../oplog/types';
import { lastWriterWins } from './batch-projector';

const ENTRY_FIELDS = {
  batchId: 'batch_id',
  serial: 'serial',
  staffId: 'staff_id',
  fields: 'fields',
  consent: 'consent',
  customerId: 'customer_id',
  cleared: 'cleared',
  startedAt: 'started_at',
  submittedAt: 'submitted_at',
  durationMs: 'duration_ms',
  doubleEntry: 'double_entry',
  blankOnForm: 'blank_on_form',
} as const;

const DECISION_FIELDS = {
  batchId: 'batch_id',
  serial: 'serial',
  outcome: 'outcome',
  entryA: 'entry_a',
  entryB: 'entry_b',
  compared: 'compared',
  differing: 'differing',
  choices: 'choices',
  intakeId: 'intake_id',
  by: 'by_staff',
  at: 'at',
} as const;

const statements = statementsFor((db: Db) => ({
  entryGet: db.prepare('SELECT * FROM paper_entries WHERE id = ?'),
  entryPut: db.prepare(
    `INSERT INTO paper_entries (id, batch_id, serial, staff_id, fields, consent, customer_id, cleared, started_at, submitted_at, duration_ms, double_entry, blank_on_form, updated_hlc, field_hlc)
     VALUES (:id, :batch_id, :serial, :staff_id, :fields, :consent, :customer_id, :cleared, :started_at, :submitted_at, :duration_ms, :double_entry, :blank_on_form, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET batch_id = excluded.batch_id, serial = excluded.serial, staff_id = excluded.staff_id, fields = excluded.fields, consent = excluded.consent,
       customer_id = excluded.customer_id, cleared = excluded.cleared, started_at = excluded.started_at, submitted_at = excluded.submitted_at,
       duration_ms = excluded.duration_ms, double_entry = excluded.double_entry, blank_on_form = excluded.blank_on_form, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
  decisionGet: db.prepare('SELECT * FROM paper_decisions WHERE id = ?'),
  decisionPut: db.prepare(
    `INSERT INTO paper_decisions (id, batch_id, serial, outcome, entry_a, entry_b, compared, differing, choices, intake_id, by_staff, at, updated_hlc, field_hlc)
     VALUES (:id, :batch_id, :serial, :outcome, :entry_a, :entry_b, :compared, :differing, :choices, :intake_id, :by_staff, :at, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET batch_id = excluded.batch_id, serial = excluded.serial, outcome = excluded.outcome, entry_a = excluded.entry_a, entry_b = excluded.entry_b,
       compared = excluded.compared, differing = excluded.differing, choices = excluded.choices, intake_id = excluded.intake_id, by_staff = excluded.by_staff,
       at = excluded.at, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
}));

const text = (max: number) => z.string().max(max);
const json = text(40_000);
const count = z.number().int().min(0).max(1_000_000);

export const DECISION_OUTCOMES = ['agreed', 'disagreed', 'reconciled'] as const;

export const PAPER_ENTRY_OPS: OpKind = {
  payload: z
    .object({ batchId: text(80), serial: count, staffId: text(80), fields: json, consent: json, customerId: text(80).nullable(), cleared: json, startedAt: z.number(), submittedAt: z.number(), durationMs: z.number(), doubleEntry: z.boolean(), blankOnForm: json })
    .partial()
    .strict(),
  project: lastWriterWins('paper_entries', { get: (db) => statements(db).entryGet, put: (db) => statements(db).entryPut }, ENTRY_FIELDS, {
    batch_id: '', serial: 0, staff_id: '', fields: '{}', consent: '{}', customer_id: null, cleared: '[]', started_at: 0, submitted_at: 0, duration_ms: 0, double_entry: 0, blank_on_form: '[]',
  }),
};

export const PAPER_DECISION_OPS: OpKind = {
  payload: z
    .object({ batchId: text(80), serial: count, outcome: z.enum(DECISION_OUTCOMES), entryA: text(160), entryB: text(160), compared: json, differing: json, choices: json, intakeId: text(80).nullable(), by: text(80), at: z.number() })
    .partial()
    .strict(),
  project: lastWriterWins('paper_decisions', { get: (db) => statements(db).decisionGet, put: (db) => statements(db).decisionPut }, DECISION_FIELDS, {
    batch_id: '', serial: 0, outcome: '', entry_a: '', entry_b: '', compared: '[]', differing: '[]', choices: '{}', intake_id: null, by_staff: '', at: 0,
  }),
};
