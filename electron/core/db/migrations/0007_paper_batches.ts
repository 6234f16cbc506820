/**
 * Version 7: batches of paper forms (issue 13). A batch is the stack of numbered sheets a lead
 * brings in (where and when they were collected, the serial range); each sheet is accounted for as
 * transcribed, void or missing. Both tables are projections of `paper_batch` and `paper_sheet`
 * ops, per-field last-writer-wins like config; a sheet with no row is still to be accounted for.
 */
import type { Migration } from './types';

export const migration0007: Migration = {
  version: 7,
  name: 'paper_batches',
  up(db) {
    db.exec(`
      CREATE TABLE paper_batches (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        collected_on TEXT NOT NULL DEFAULT '',
        first_serial INTEGER NOT NULL DEFAULT 1,
        sheet_count INTEGER NOT NULL DEFAULT 0,
        opened_by TEXT NOT NULL DEFAULT '',
        opened_at INTEGER NOT NULL DEFAULT 0,
        closed_by TEXT,
        closed_at INTEGER,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX paper_batches_open ON paper_batches (closed_at, opened_at);
      CREATE TABLE paper_sheets (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL DEFAULT '',
        serial INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        intake_id TEXT,
        scan_id TEXT,
        by_staff TEXT NOT NULL DEFAULT '',
        at INTEGER NOT NULL DEFAULT 0,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX paper_sheets_batch ON paper_sheets (batch_id, serial);
    `);
  },
};
