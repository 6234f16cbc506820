/** Entries in progress: saved on every change, restored after a crash, never synced, deleted on submit. */
import type { Draft } from '../../../shared/api/intake-contract';
import type { Consent } from '../../../shared/domain/intake/consent';
import type { FieldName, IntakeFields } from '../../../shared/domain/intake/fields';
import type { Db } from '../db/connection';
import type { DraftSource } from '../../../shared/domain/intake/sources';

interface DraftRow {
  id: string;
  staff_id: string;
  source: DraftSource;
  fields: string;
  consent: string;
  customer_id: string | null;
  started_at: number;
  updated_at: number;
  cleared: string;
  paper_batch_id: string | null;
  paper_serial: number | null;
  blank_on_form?: string;
}

const toDraft = (row: DraftRow): Draft => ({
  id: row.id,
  source: row.source,
  fields: JSON.parse(row.fields) as IntakeFields,
  consent: JSON.parse(row.consent) as Consent,
  customerId: row.customer_id,
  cleared: JSON.parse(row.cleared) as FieldName[],
  ...(row.paper_batch_id !== null ? { blankOnForm: JSON.parse(row.blank_on_form ?? '[]') as FieldName[] } : {}),
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  ...(row.paper_batch_id !== null && row.paper_serial !== null ? { paper: { batchId: row.paper_batch_id, serial: row.paper_serial, formNo: '' } } : {}),
});

export class DraftRepo {
  private readonly insertStmt;
  private readonly saveStmt;
  private readonly latestStmt;
  private readonly byIdStmt;
  private readonly deleteStmt;
  private readonly restartStmt;
  private readonly forSheetStmt;
  private readonly sheetDraftersStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO drafts (id, staff_id, source, fields, consent, customer_id, started_at, updated_at, paper_batch_id, paper_serial) VALUES (:id, :staffId, :source, :fields, :consent, :customerId, :startedAt, :startedAt, :paperBatchId, :paperSerial)',
    );
    this.saveStmt = db.prepare<{ id: string; staffId: string; fields: string; consent: string; customerId: string | null; updatedAt: number; cleared: string; blankOnForm: string }>(
      'UPDATE drafts SET fields = :fields, consent = :consent, customer_id = :customerId, updated_at = :updatedAt, cleared = :cleared, blank_on_form = :blankOnForm WHERE id = :id AND staff_id = :staffId',
    );
    this.restartStmt = db.prepare<{ id: string; staffId: string; now: number }>('UPDATE drafts SET started_at = :now WHERE id = :id AND staff_id = :staffId');
    // The walk-in screen's draft: a paper form being transcribed belongs to its sheet, not to the counter.
    this.latestStmt = db.prepare<{ staffId: string }, DraftRow>('SELECT * FROM drafts WHERE staff_id = :staffId AND paper_batch_id IS NULL ORDER BY updated_at DESC LIMIT 1');
    this.forSheetStmt = db.prepare<{ staffId: string; batchId: string; serial: number }, DraftRow>('SELECT * FROM drafts WHERE staff_id = :staffId AND paper_batch_id = :batchId AND paper_serial = :serial ORDER BY updated_at DESC LIMIT 1');
    this.sheetDraftersStmt = db.prepare<{ batchId: string; serial: number }, { staff_id: string }>('SELECT DISTINCT staff_id FROM drafts WHERE paper_batch_id = :batchId AND paper_serial = :serial');
    this.byIdStmt = db.prepare<{ id: string; staffId: string }, DraftRow>('SELECT * FROM drafts WHERE id = :id AND staff_id = :staffId');
    this.deleteStmt = db.prepare<{ id: string; staffId: string }>('DELETE FROM drafts WHERE id = :id AND staff_id = :staffId');
  }

  create(draft: Draft, staffId: string): void {
    this.insertStmt.run({ id: draft.id, staffId, source: draft.source, fields: JSON.stringify(draft.fields), consent: JSON.stringify(draft.consent), customerId: draft.customerId, startedAt: draft.startedAt, paperBatchId: draft.paper?.batchId ?? null, paperSerial: draft.paper?.serial ?? null });
  }

  /** False when the draft does not exist or belongs to someone else. */
  save(id: string, staffId: string, fields: IntakeFields, consent: Consent, customerId: string | null, now: number, cleared: readonly FieldName[] = [], blankOnForm: readonly FieldName[] = []): boolean {
    return this.saveStmt.run({ id, staffId, fields: JSON.stringify(fields), consent: JSON.stringify(consent), customerId, updatedAt: now, cleared: JSON.stringify(cleared), blankOnForm: JSON.stringify(blankOnForm) }).changes === 1;
  }

  /** The timer starts now (the customer arrived); false when the draft does not exist or is someone else's. */
  restart(id: string, staffId: string, now: number): boolean {
    return this.restartStmt.run({ id, staffId, now }).changes === 1;
  }

  latest(staffId: string): Draft | null {
    const row = this.latestStmt.get({ staffId });
    return row ? toDraft(row) : null;
  }

  /** This person's transcription of one paper sheet in progress. */
  forSheet(staffId: string, batchId: string, serial: number): Draft | null {
    const row = this.forSheetStmt.get({ staffId, batchId, serial });
    return row ? toDraft(row) : null;
  }

  /** Who has a transcription of this sheet in progress (blind double entry: ids only, never values). */
  sheetDrafters(batchId: string, serial: number): string[] {
    return this.sheetDraftersStmt.all({ batchId, serial }).map((row) => row.staff_id);
  }

  get(id: string, staffId: string): Draft | null {
    const row = this.byIdStmt.get({ id, staffId });
    return row ? toDraft(row) : null;
  }

  delete(id: string, staffId: string): void {
    this.deleteStmt.run({ id, staffId });
  }
}
