/**
 * Version 16: new search keys wait in a small table of their own until a quiet moment merges them
 * into `customer_search` (issue 12, docs/decisions/0031). A customer has about eight search keys,
 * each in a different place of an index of millions of entries at a million customers: written there
 * at once, a submit read about eight index pages from the disk and wrote as many. Written here, they
 * land in a few pages that stay in memory; the core merges them in small slices while nobody is
 * waiting for an answer (electron/core/customers/pending-keys.ts), the way PostgreSQL's GIN indexes
 * keep a pending list.
 *
 * Every reader of the search keys reads both tables: searches name both (customer-repo.ts), and
 * `customer_search_all` is the whole set for the digests, verification and tools. A key is in one
 * table or the other, never both: the merge moves it in one transaction, and a customer's keys are
 * taken out of both before their new ones are written.
 */
import type { Migration } from './types';

export const migration0016: Migration = {
  version: 16,
  name: 'search_keys_pending',
  up(db) {
    db.exec(`
      CREATE TABLE customer_search_pending (
        kind TEXT NOT NULL,
        term TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        PRIMARY KEY (kind, term, customer_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX customer_search_pending_by_customer ON customer_search_pending (customer_id);
      CREATE VIEW customer_search_all (kind, term, customer_id) AS
        SELECT kind, term, customer_id FROM customer_search_pending
        UNION ALL
        SELECT kind, term, customer_id FROM customer_search;
    `);
  },
};
