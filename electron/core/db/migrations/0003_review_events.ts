/** Version 3: review decisions as append-only events; an intake's status is derived from them. */
import type { Migration } from './types';

export const migration0003: Migration = {
  version: 3,
  name: 'review_events',
  up(db) {
    db.exec(`
      CREATE TABLE review_events (
        id TEXT PRIMARY KEY,
        intake_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        by_staff TEXT NOT NULL,
        by_role TEXT NOT NULL,
        at INTEGER NOT NULL,
        payload TEXT NOT NULL,
        hlc TEXT NOT NULL
      ) STRICT;
      CREATE INDEX review_events_by_intake ON review_events (intake_id, hlc);
      CREATE TRIGGER review_events_append_only_update BEFORE UPDATE ON review_events BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;
      CREATE TRIGGER review_events_append_only_delete BEFORE DELETE ON review_events BEGIN SELECT RAISE(ABORT, 'review events are append-only'); END;
      ALTER TABLE intakes ADD COLUMN status_since INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE intakes ADD COLUMN cross_checked_by TEXT;
      ALTER TABLE intakes ADD COLUMN assigned_to TEXT;
    `);
  },
};
