/**
 * Version 5: an intake whose stored review events do not all apply under the rules they were
 * decided by is marked for a lead's attention (a cache of the derived state, like `status`).
 */
import type { Migration } from './types';

export const migration0005: Migration = {
  version: 5,
  name: 'review_attention',
  up(db) {
    db.exec(`
      ALTER TABLE intakes ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX intakes_needing_attention ON intakes (status_since) WHERE needs_attention = 1;
    `);
  },
};
