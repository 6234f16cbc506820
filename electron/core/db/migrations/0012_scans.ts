/**
 * Version 12: scans as things of their own (issue 13 item 3). `scans` is the projection of `scan`
 * ops (per-field last-writer-wins, like paper sheets): which file a scan is, the image a screen
 * shows for it (a PDF's first page rendered to PNG; a JPEG or PNG is its own image), where it came
 * from (a person's upload or the scanner's watched folder), the serial its QR code named, and the
 * sheet it is attached to (none yet: it waits in the scanner inbox). `attachment_outbox` is local to
 * this desk: sealed files this desk stored that the sync server has not yet confirmed holding.
 */
import type { Migration } from './types';

export const migration0012: Migration = {
  version: 12,
  name: 'scans',
  up(db) {
    db.exec(`
      CREATE TABLE scans (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL DEFAULT '',
        pages INTEGER NOT NULL DEFAULT 1,
        image_id TEXT,
        origin TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL DEFAULT '',
        imported_at INTEGER NOT NULL DEFAULT 0,
        imported_by TEXT NOT NULL DEFAULT '',
        qr TEXT NOT NULL DEFAULT '',
        batch_id TEXT,
        serial INTEGER,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX scans_inbox ON scans (batch_id, imported_at);
      CREATE TABLE attachment_outbox (
        id TEXT PRIMARY KEY,
        queued_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
