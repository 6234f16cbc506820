/**
 * Version 13: review queues read from their index alone (issue 12). A queue page is a status (or a
 * person's records in a status), longest waiting first, 500 at a time; with every column the queue
 * shows in the index, a page is one ordered range of the index and never a random read of the
 * intakes table per row. These two replace the narrower queue indexes of version 8.
 */
import type { Migration } from './types';

export const migration0013: Migration = {
  version: 13,
  name: 'queue_indexes',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS intakes_queue ON intakes (status, status_since, id, customer_id, source, started_at, submitted_at, entered_by, flags, assigned_to);
      CREATE INDEX IF NOT EXISTS intakes_queue_by_enterer ON intakes (status, entered_by, status_since, id, customer_id, source, started_at, submitted_at, flags, assigned_to);
      DROP INDEX IF EXISTS intakes_by_status_since;
      DROP INDEX IF EXISTS intakes_by_status_enterer;
    `);
  },
};
