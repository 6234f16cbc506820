/**
 * Version 18: a customer's name key carries what a result list shows of them (issue 12,
 * docs/decisions/0034). A search by name (a surname alone matches a tenth of a million customers)
 * lists 500 customers; it read each one's row from `customers_summary`, one random page per customer
 * at a million customers (a page read from the disk and decrypted whenever it was not cached). With
 * the list columns on the key, the same 500 rows are a dozen neighbouring pages of the key index.
 *
 * `summary` is derived, never replicated: the customer's name, mobile, id_number, birth_date and
 * grade joined by U+001F (the unit separator, which no stored value can hold: names refuse control
 * characters), on keys of kind 'name' only (NULL on the others). Split, not parsed: 500 rows of JSON
 * took a millisecond of the search. The projector writes it with
 * each new name key from the row it has just written, the merge carries it, and the trigger below
 * rewrites it whenever one of those columns changes on any path (a grade set by a manager, sync,
 * tools). tests/integration/key-summaries.test.ts (named name-key-summary.test.ts then) holds it to the customers table.
 */
import type { Db } from '../connection';
import type { Migration } from './types';

/** The list columns of customer `row` as the name key carries them. */
const SUMMARY_OF = (row: string): string => `${row}.name || char(31) || ${row}.mobile || char(31) || ${row}.id_number || char(31) || ${row}.birth_date || char(31) || ${row}.grade`;

/** Exported for tests that make a desk as this version left it (replaced by version 20's). */
export const SUMMARY_TRIGGER = `
  CREATE TRIGGER customers_name_key_summary AFTER UPDATE OF name, mobile, id_number, birth_date, grade ON customers
  WHEN NEW.name IS NOT OLD.name OR NEW.mobile IS NOT OLD.mobile OR NEW.id_number IS NOT OLD.id_number OR NEW.birth_date IS NOT OLD.birth_date OR NEW.grade IS NOT OLD.grade
  BEGIN
    UPDATE customer_search_pending SET summary = ${SUMMARY_OF('NEW')} WHERE customer_id = NEW.id AND kind = 'name';
    UPDATE customer_search SET summary = ${SUMMARY_OF('NEW')} WHERE customer_id = NEW.id AND kind = 'name';
  END;`;

/** The triggers that name `customer_search` in their bodies: put back as they were once the new table has its name. */
function triggersNaming(db: Db, table: string): Array<{ name: string; sql: string }> {
  const rows = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%' || ? || '%'").all(table) as Array<{ name: string; sql: string }>;
  return rows.filter((row) => new RegExp(`\\b${table}\\b`).test(row.sql));
}

export const migration0018: Migration = {
  version: 18,
  name: 'name_key_summary',
  up(db) {
    // As in migration 17, the merged keys go to a new table written in key order (updating a million
    // name keys in place would split most of their leaves). The customers' list columns are read once,
    // in index order, into a temporary table, instead of one random look-up per key.
    const triggers = triggersNaming(db, 'customer_search');
    for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
    db.exec(`
      CREATE TEMP TABLE list_now (customer_id TEXT PRIMARY KEY, summary TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO list_now SELECT c.id, ${SUMMARY_OF('c')} FROM customers c INDEXED BY customers_summary ORDER BY c.id;

      CREATE TABLE customer_search_with_summary (
        kind TEXT NOT NULL,
        term TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        facets INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        PRIMARY KEY (kind, term, customer_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO customer_search_with_summary (kind, term, customer_id, facets, summary)
        SELECT s.kind, s.term, s.customer_id, s.facets, CASE WHEN s.kind = 'name' THEN (SELECT l.summary FROM list_now l WHERE l.customer_id = s.customer_id) END
        FROM customer_search s ORDER BY s.kind, s.term, s.customer_id;
      DROP VIEW customer_search_all;
      DROP TABLE customer_search;
      ALTER TABLE customer_search_with_summary RENAME TO customer_search;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);
      CREATE VIEW customer_search_all (kind, term, customer_id) AS
        SELECT kind, term, customer_id FROM customer_search_pending
        UNION ALL
        SELECT kind, term, customer_id FROM customer_search;

      ALTER TABLE customer_search_pending ADD COLUMN summary TEXT;
      UPDATE customer_search_pending SET summary = (SELECT l.summary FROM list_now l WHERE l.customer_id = customer_search_pending.customer_id) WHERE kind = 'name';
      DROP TABLE list_now;
      ${SUMMARY_TRIGGER}
    `);
    for (const trigger of triggers) db.exec(trigger.sql);
  },
};
