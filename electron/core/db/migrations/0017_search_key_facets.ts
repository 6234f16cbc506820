/**
 * Version 17: every search key carries its customer's intake facets — which sources and which
 * review statuses their intakes have, as bits (issue 12, docs/decisions/0033). A query with a
 * source or status filter ("王" among walk-ins) then keeps or drops each key as it reads it, in key
 * order, instead of looking up the customer's intakes for every key: at a million customers that
 * look-up was a page read and decrypt per key, about a thousand for a page of 500.
 *
 * The facets are derived, never replicated: `customer_intake_facets` computes them from a customer's
 * intakes, the projector writes them with each new key, and the triggers below keep every key of a
 * customer in step whenever an intake is added, moved, removed or changes source or status — on
 * every path that writes intakes (submits, reviews, sync, tools), so every replica holds the same.
 * All keys of a customer carry the same value; a trigger compares with one of them and writes the
 * keys only when the bits change.
 *
 * Bits (kept in step with electron/core/customers/facets.ts; tests/integration/search-facets.test.ts checks both): sources
 * walk_in 1, paper_form 2, online 4, correction 8; statuses draft 256, pending_cross_check 512,
 * returned 1024, pending_lead_approval 2048, pending_final_review 4096, valid 8192, rejected 16384.
 * A value with no bit adds none.
 */
import type { Migration } from './types';

const FACETS_OF = (customer: string): string => `coalesce((SELECT facets FROM customer_intake_facets WHERE customer_id = ${customer}), 0)`;
const HELD_BY = (customer: string): string =>
  `coalesce((SELECT facets FROM customer_search_pending WHERE customer_id = ${customer} LIMIT 1), (SELECT facets FROM customer_search WHERE customer_id = ${customer} LIMIT 1), ${FACETS_OF(customer)})`;
const REFRESH = (customer: string): string => `
    UPDATE customer_search_pending SET facets = ${FACETS_OF(customer)} WHERE customer_id = ${customer} AND facets <> ${FACETS_OF(customer)};
    UPDATE customer_search SET facets = ${FACETS_OF(customer)} WHERE customer_id = ${customer} AND facets <> ${FACETS_OF(customer)};`;

/**
 * The view reads intakes alone and groups by customer, so a look-up of one customer reads only their
 * entries of `intakes_by_customer_filters` (a union inside the view kept SQLite from pushing the
 * customer down into it: every look-up read every intake). One `max()` per bit, not a sum of
 * distinct bits: no temporary B-tree per look-up.
 */
const FACETS_VIEW_SELECT = `
    SELECT customer_id,
      max(source = 'walk_in') | max(source = 'paper_form') * 2 | max(source = 'online') * 4 | max(source = 'correction') * 8
      | max(status = 'draft') * 256 | max(status = 'pending_cross_check') * 512 | max(status = 'returned') * 1024 | max(status = 'pending_lead_approval') * 2048
      | max(status = 'pending_final_review') * 4096 | max(status = 'valid') * 8192 | max(status = 'rejected') * 16384
    FROM intakes GROUP BY customer_id`;

/** Every key of a customer in step with their intakes, on every path that writes intakes. */
const FACETS_TRIGGERS = `
  CREATE TRIGGER intakes_facets_insert AFTER INSERT ON intakes
  WHEN ${HELD_BY('NEW.customer_id')} <> ${FACETS_OF('NEW.customer_id')}
  BEGIN ${REFRESH('NEW.customer_id')}
  END;
  CREATE TRIGGER intakes_facets_update AFTER UPDATE OF customer_id, source, status ON intakes
  WHEN ${HELD_BY('NEW.customer_id')} <> ${FACETS_OF('NEW.customer_id')} OR NEW.customer_id IS NOT OLD.customer_id
  BEGIN ${REFRESH('NEW.customer_id')} ${REFRESH('OLD.customer_id')}
  END;
  CREATE TRIGGER intakes_facets_delete AFTER DELETE ON intakes
  BEGIN ${REFRESH('OLD.customer_id')}
  END;`;

/** As migration 16 made it: dropped and made again around the new table. */
const SEARCH_ALL_VIEW = `
  CREATE VIEW customer_search_all (kind, term, customer_id) AS
    SELECT kind, term, customer_id FROM customer_search_pending
    UNION ALL
    SELECT kind, term, customer_id FROM customer_search;`;

export const migration0017: Migration = {
  version: 17,
  name: 'search_key_facets',
  up(db) {
    // The merged keys go to a new table, written in key order with their facets, that takes the old
    // one's place. Adding the column and updating every key in place rewrote every leaf with keys a
    // few bytes longer, splitting those that no longer fit, and took 6.5 minutes on the 1M season;
    // written anew, the pages are full and in key order, in 87 s (docs/benchmarks.md).
    db.exec(`
      CREATE VIEW customer_intake_facets (customer_id, facets) AS ${FACETS_VIEW_SELECT};
      CREATE TEMP TABLE facets_now (customer_id TEXT PRIMARY KEY, facets INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO facets_now SELECT customer_id, facets FROM customer_intake_facets;

      CREATE TABLE customer_search_with_facets (
        kind TEXT NOT NULL,
        term TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        facets INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, term, customer_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO customer_search_with_facets (kind, term, customer_id, facets)
        SELECT s.kind, s.term, s.customer_id, coalesce(f.facets, 0) FROM customer_search s LEFT JOIN facets_now f ON f.customer_id = s.customer_id
        ORDER BY s.kind, s.term, s.customer_id;
      DROP VIEW customer_search_all;
      DROP TABLE customer_search;
      ALTER TABLE customer_search_with_facets RENAME TO customer_search;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);

      ALTER TABLE customer_search_pending ADD COLUMN facets INTEGER NOT NULL DEFAULT 0;
      UPDATE customer_search_pending SET facets = coalesce((SELECT f.facets FROM facets_now f WHERE f.customer_id = customer_search_pending.customer_id), 0);
      DROP TABLE facets_now;
      ${SEARCH_ALL_VIEW}
      ${FACETS_TRIGGERS}
    `);
  },
};
