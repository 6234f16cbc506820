/**
 * Version 20: every search key carries what a result list shows of its customer, not only the name
 * keys (issue 12, docs/decisions/0036). A pinyin prefix, initials, the first digits of a phone or
 * the last four digits list up to 500 customers; each one's row was a random page of
 * `customers_summary` at a million customers, read from the disk and decrypted whenever it was not
 * cached (about 4–5 ms of a 3-letter pinyin search, and most of its slow tail). With the columns on
 * the key, the same list is the keys' own neighbouring pages.
 *
 * `summary` stays derived and never replicated, in the form of version 18 (name, mobile, id_number,
 * birth_date and grade joined by U+001F), now on keys of every kind. The projector writes it with
 * each new key, the merge carries it, and the trigger below (replacing version 18's, which followed
 * name keys only) rewrites it on every key of a customer whose list columns change on any path.
 * tests/integration/key-summaries.test.ts holds every key to the customers table.
 */
import type { Db } from '../connection';
import type { Migration } from './types';

/** The list columns of customer `row` as a key carries them (the same expression as version 18's). */
const SUMMARY_OF = (row: string): string => `${row}.name || char(31) || ${row}.mobile || char(31) || ${row}.id_number || char(31) || ${row}.birth_date || char(31) || ${row}.grade`;

const KEY_SUMMARY_TRIGGER = `
  CREATE TRIGGER customers_key_summary AFTER UPDATE OF name, mobile, id_number, birth_date, grade ON customers
  WHEN NEW.name IS NOT OLD.name OR NEW.mobile IS NOT OLD.mobile OR NEW.id_number IS NOT OLD.id_number OR NEW.birth_date IS NOT OLD.birth_date OR NEW.grade IS NOT OLD.grade
  BEGIN
    UPDATE customer_search_pending SET summary = ${SUMMARY_OF('NEW')} WHERE customer_id = NEW.id;
    UPDATE customer_search SET summary = ${SUMMARY_OF('NEW')} WHERE customer_id = NEW.id;
  END;`;

/** Version 18's trigger, which this one replaces. */
const NAME_KEY_TRIGGER = 'customers_name_key_summary';

/** The triggers and views that name `table` in their bodies, with the SQL that makes them again. */
function objectsNaming(db: Db, type: 'trigger' | 'view', table: string): Array<{ name: string; sql: string }> {
  const rows = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = ? AND sql LIKE '%' || ? || '%'").all(type, table) as Array<{ name: string; sql: string }>;
  return rows.filter((row) => new RegExp(`\\b${table}\\b`).test(row.sql));
}

export const migration0020: Migration = {
  version: 20,
  name: 'key_summaries',
  up(db) {
    // As in versions 17 and 18, the merged keys go to a new table written in key order: filling the
    // column in place would split nearly every leaf of an index of millions of keys. The list
    // columns are read once, in index order, into a temporary table; name keys keep what they carry.
    const triggers = objectsNaming(db, 'trigger', 'customer_search').filter((trigger) => trigger.name !== NAME_KEY_TRIGGER);
    const views = objectsNaming(db, 'view', 'customer_search');
    for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
    for (const view of views) db.exec(`DROP VIEW ${view.name}`);
    db.exec(`
      DROP TRIGGER IF EXISTS ${NAME_KEY_TRIGGER};
      CREATE TEMP TABLE list_now (customer_id TEXT PRIMARY KEY, summary TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO list_now SELECT c.id, ${SUMMARY_OF('c')} FROM customers c INDEXED BY customers_summary ORDER BY c.id;

      CREATE TABLE customer_search_with_summaries (
        kind TEXT NOT NULL,
        term TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        facets INTEGER NOT NULL DEFAULT 0,
        summary TEXT,
        PRIMARY KEY (kind, term, customer_id)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO customer_search_with_summaries (kind, term, customer_id, facets, summary)
        SELECT s.kind, s.term, s.customer_id, s.facets, coalesce(s.summary, (SELECT l.summary FROM list_now l WHERE l.customer_id = s.customer_id))
        FROM customer_search s ORDER BY s.kind, s.term, s.customer_id;
      DROP TABLE customer_search;
      ALTER TABLE customer_search_with_summaries RENAME TO customer_search;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);

      UPDATE customer_search_pending SET summary = (SELECT l.summary FROM list_now l WHERE l.customer_id = customer_search_pending.customer_id) WHERE summary IS NULL;
      DROP TABLE list_now;
      ${KEY_SUMMARY_TRIGGER}
    `);
    for (const view of views) db.exec(view.sql);
    for (const trigger of triggers) db.exec(trigger.sql);
  },
};
