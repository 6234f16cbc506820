/**
 * Projections of paper batches and their sheets (migration 0007): per-field last-writer-wins by
 * HLC, so any order of the same ops gives the same rows and `npm run rebuild` re-derives them.
 */
import { z } from 'zod';
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';
import type { OpKind, Projector } from '../oplog/types';

const BATCH_FIELDS = {
  code: 'code',
  place: 'place',
  collectedOn: 'collected_on',
  firstSerial: 'first_serial',
  count: 'sheet_count',
  openedBy: 'opened_by',
  openedAt: 'opened_at',
  closedBy: 'closed_by',
  closedAt: 'closed_at',
} as const;

const SHEET_FIELDS = {
  batchId: 'batch_id',
  serial: 'serial',
  state: 'state',
  reason: 'reason',
  intakeId: 'intake_id',
  scanId: 'scan_id',
  by: 'by_staff',
  at: 'at',
} as const;

const statements = statementsFor((db: Db) => ({
  batchGet: db.prepare('SELECT * FROM paper_batches WHERE id = ?'),
  batchPut: db.prepare(
    `INSERT INTO paper_batches (id, code, place, collected_on, first_serial, sheet_count, opened_by, opened_at, closed_by, closed_at, updated_hlc, field_hlc)
     VALUES (:id, :code, :place, :collected_on, :first_serial, :sheet_count, :opened_by, :opened_at, :closed_by, :closed_at, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET code = excluded.code, place = excluded.place, collected_on = excluded.collected_on, first_serial = excluded.first_serial,
       sheet_count = excluded.sheet_count, opened_by = excluded.opened_by, opened_at = excluded.opened_at, closed_by = excluded.closed_by,
       closed_at = excluded.closed_at, updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
  sheetGet: db.prepare('SELECT * FROM paper_sheets WHERE id = ?'),
  sheetPut: db.prepare(
    `INSERT INTO paper_sheets (id, batch_id, serial, state, reason, intake_id, scan_id, by_staff, at, updated_hlc, field_hlc)
     VALUES (:id, :batch_id, :serial, :state, :reason, :intake_id, :scan_id, :by_staff, :at, :updated_hlc, :field_hlc)
     ON CONFLICT (id) DO UPDATE SET batch_id = excluded.batch_id, serial = excluded.serial, state = excluded.state, reason = excluded.reason,
       intake_id = excluded.intake_id, scan_id = excluded.scan_id, by_staff = excluded.by_staff, at = excluded.at,
       updated_hlc = excluded.updated_hlc, field_hlc = excluded.field_hlc`,
  ),
}));

const sorted = (record: Record<string, string>): string => JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));

/** The two statements a last-writer-wins projection needs: read a row by id, write it whole. */
export interface RowStatements {
  get: (db: Db) => { get(id: string): unknown };
  put: (db: Db) => { run(row: Record<string, unknown>): unknown };
}

/** Per-field last-writer-wins by HLC into one table (`field_hlc` keeps each field's HLC). */
export function lastWriterWins(table: string, rows: RowStatements, columns: Record<string, string>, empty: Record<string, unknown>): Projector {
  return (db, op) => {
    const current = rows.get(db).get(op.entityId) as Record<string, unknown> | undefined;
    const next: Record<string, unknown> = current ? { ...current } : { ...empty, id: op.entityId, updated_hlc: op.hlc, field_hlc: '{}' };
    const fieldHlc = JSON.parse(String(next['field_hlc'])) as Record<string, string>;
    for (const [field, value] of Object.entries(op.changes)) {
      const column = Object.hasOwn(columns, field) ? columns[field] : undefined;
      if (!column) throw new Error(`${table} has no field ${field}`);
      if (op.hlc < (fieldHlc[field] ?? '')) continue;
      fieldHlc[field] = op.hlc;
      next[column] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    if (!current || String(current['updated_hlc']) < op.hlc) next['updated_hlc'] = op.hlc;
    next['field_hlc'] = sorted(fieldHlc);
    rows.put(db).run(next);
  };
}

const text = (max: number) => z.string().max(max);
const count = z.number().int().min(0).max(1_000_000);

export const PAPER_BATCH_OPS: OpKind = {
  payload: z
    .object({ code: text(20), place: text(60), collectedOn: text(10), firstSerial: count, count, openedBy: text(80), openedAt: z.number(), closedBy: text(80).nullable(), closedAt: z.number().nullable() })
    .partial()
    .strict(),
  project: lastWriterWins('batch', { get: (db) => statements(db).batchGet, put: (db) => statements(db).batchPut }, BATCH_FIELDS, { code: '', place: '', collected_on: '', first_serial: 1, sheet_count: 0, opened_by: '', opened_at: 0, closed_by: null, closed_at: null }),
};

export const PAPER_SHEET_OPS: OpKind = {
  payload: z
    .object({ batchId: text(80), serial: count, state: z.enum(['transcribed', 'void', 'missing', 'pending']), reason: text(500), intakeId: text(80).nullable(), scanId: text(64).nullable(), by: text(80), at: z.number() })
    .partial()
    .strict(),
  project: lastWriterWins('sheet', { get: (db) => statements(db).sheetGet, put: (db) => statements(db).sheetPut }, SHEET_FIELDS, { batch_id: '', serial: 0, state: '', reason: '', intake_id: null, scan_id: null, by_staff: '', at: 0 }),
};
