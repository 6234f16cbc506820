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
 * Bits (kept in step with electron/core/customers/facets.ts, checked by its test): sources
 * walk_in 1, paper_form 2, online 4, correction 8; statuses draft 256, pending_cross_check 512,
 * returned 1024, pending_lead_approval 2048, pending_final_review 4096, valid 8192, rejected 16384.
 * Sums of distinct bits are their OR; a value with no bit adds none.
 */
import type { Migration } from './types';

const FACETS_OF = (customer: string): string => `coalesce((SELECT facets FROM customer_intake_facets WHERE customer_id = ${customer}), 0)`;
const HELD_BY = (customer: string): string =>
  `coalesce((SELECT facets FROM customer_search_pending WHERE customer_id = ${customer} LIMIT 1), (SELECT facets FROM customer_search WHERE customer_id = ${customer} LIMIT 1), ${FACETS_OF(customer)})`;
const REFRESH = (customer: string): string => `
    UPDATE customer_search_pending SET facets = ${FACETS_OF(customer)} WHERE customer_id = ${customer} AND facets <> ${FACETS_OF(customer)};
    UPDATE customer_search SET facets = ${FACETS_OF(customer)} WHERE customer_id = ${customer} AND facets <> ${FACETS_OF(customer)};`;

/**
 * The view and the triggers. The view reads intakes alone and groups by customer, so a look-up of
 * one customer reads only their entries of `intakes_by_customer_filters` (a union inside the view
 * kept SQLite from pushing the customer down into it: every look-up read every intake).
 */
export const FACETS_VIEW_AND_TRIGGERS = `
  CREATE VIEW customer_intake_facets (customer_id, facets) AS
    SELECT customer_id,
      coalesce(sum(DISTINCT CASE source WHEN 'walk_in' THEN 1 WHEN 'paper_form' THEN 2 WHEN 'online' THEN 4 WHEN 'correction' THEN 8 END), 0)
      | coalesce(sum(DISTINCT CASE status WHEN 'draft' THEN 256 WHEN 'pending_cross_check' THEN 512 WHEN 'returned' THEN 1024 WHEN 'pending_lead_approval' THEN 2048
          WHEN 'pending_final_review' THEN 4096 WHEN 'valid' THEN 8192 WHEN 'rejected' THEN 16384 END), 0)
    FROM intakes GROUP BY customer_id;

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

export const migration0017: Migration = {
  version: 17,
  name: 'search_key_facets',
  up(db) {
    db.exec(`
      ALTER TABLE customer_search ADD COLUMN facets INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE customer_search_pending ADD COLUMN facets INTEGER NOT NULL DEFAULT 0;
      ${FACETS_VIEW_AND_TRIGGERS}

      -- The keys already there: each customer's facets worked out once (one pass over their intakes),
      -- then written to their keys.
      CREATE TEMP TABLE facets_now (customer_id TEXT PRIMARY KEY, facets INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO facets_now SELECT customer_id, facets FROM customer_intake_facets;
      UPDATE customer_search SET facets = coalesce((SELECT f.facets FROM facets_now f WHERE f.customer_id = customer_search.customer_id), 0);
      UPDATE customer_search_pending SET facets = coalesce((SELECT f.facets FROM facets_now f WHERE f.customer_id = customer_search_pending.customer_id), 0);
      DROP TABLE facets_now;
    `);
  },
};
