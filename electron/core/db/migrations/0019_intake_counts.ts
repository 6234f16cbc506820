/**
 * Version 19: how many intakes are in each review status, per person who entered them, kept as
 * they change (issue 12, docs/decisions/0035). The review queues say how many wait in each queue; a
 * lead's or manager's queue is everyone's records in a status less their own. Those counts read up to
 * 10,001 index entries each (docs/decisions/0024), about a hundred decrypted pages per queue and half
 * of `review.queues` at a million customers; here each is one row or a handful.
 *
 * Derived, never replicated: the triggers below follow every write to `intakes` (submits, reviews,
 * sync, tools), the way migration 17's facets do. tests/integration/intake-counts.test.ts holds the
 * table to a count of the intakes.
 */
import type { Migration } from './types';

const ADD = (row: string): string =>
  `INSERT INTO intake_counts (status, entered_by, n) VALUES (${row}.status, ${row}.entered_by, 1) ON CONFLICT (status, entered_by) DO UPDATE SET n = n + 1;`;
const REMOVE = (row: string): string => `UPDATE intake_counts SET n = n - 1 WHERE status = ${row}.status AND entered_by = ${row}.entered_by;`;

export const migration0019: Migration = {
  version: 19,
  name: 'intake_counts',
  up(db) {
    db.exec(`
      CREATE TABLE intake_counts (
        status TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (status, entered_by)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO intake_counts (status, entered_by, n)
        SELECT status, entered_by, count(*) FROM intakes INDEXED BY intakes_queue_by_enterer GROUP BY status, entered_by;
      CREATE TRIGGER intake_counts_insert AFTER INSERT ON intakes
      BEGIN ${ADD('NEW')}
      END;
      CREATE TRIGGER intake_counts_update AFTER UPDATE OF status, entered_by ON intakes
      WHEN NEW.status IS NOT OLD.status OR NEW.entered_by IS NOT OLD.entered_by
      BEGIN ${REMOVE('OLD')} ${ADD('NEW')}
      END;
      CREATE TRIGGER intake_counts_delete AFTER DELETE ON intakes
      BEGIN ${REMOVE('OLD')}
      END;
    `);
  },
};
