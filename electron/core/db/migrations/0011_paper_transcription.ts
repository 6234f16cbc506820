/**
 * Version 11: transcribing paper forms (issue 13 items 4–7). Every transcription of a sheet is kept
 * (`paper_entries`, projection of `paper_entry` ops): with blind double entry two of them are
 * compared field by field, and the outcome (agreed, or the group lead's decision per differing
 * field) is a `paper_decision` op projected into `paper_decisions`. A draft being transcribed
 * names its sheet, and so does the intake it becomes (source `paper_form`).
 */
import type { Migration } from './types';

export const migration0011: Migration = {
  version: 11,
  name: 'paper_transcription',
  up(db) {
    db.exec(`
      CREATE TABLE paper_entries (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL DEFAULT '',
        serial INTEGER NOT NULL DEFAULT 0,
        staff_id TEXT NOT NULL DEFAULT '',
        fields TEXT NOT NULL DEFAULT '{}',
        consent TEXT NOT NULL DEFAULT '{}',
        customer_id TEXT,
        cleared TEXT NOT NULL DEFAULT '[]',
        started_at INTEGER NOT NULL DEFAULT 0,
        submitted_at INTEGER NOT NULL DEFAULT 0,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        double_entry INTEGER NOT NULL DEFAULT 0,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX paper_entries_sheet ON paper_entries (batch_id, serial);
      CREATE INDEX paper_entries_staff ON paper_entries (staff_id, submitted_at);
      CREATE TABLE paper_decisions (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL DEFAULT '',
        serial INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT '',
        entry_a TEXT NOT NULL DEFAULT '',
        entry_b TEXT NOT NULL DEFAULT '',
        compared TEXT NOT NULL DEFAULT '[]',
        differing TEXT NOT NULL DEFAULT '[]',
        choices TEXT NOT NULL DEFAULT '{}',
        intake_id TEXT,
        by_staff TEXT NOT NULL DEFAULT '',
        at INTEGER NOT NULL DEFAULT 0,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX paper_decisions_outcome ON paper_decisions (outcome, at);
      ALTER TABLE drafts ADD COLUMN paper_batch_id TEXT;
      ALTER TABLE drafts ADD COLUMN paper_serial INTEGER;
      ALTER TABLE intakes ADD COLUMN paper_batch_id TEXT;
      ALTER TABLE intakes ADD COLUMN paper_serial INTEGER;
    `);
  },
};
