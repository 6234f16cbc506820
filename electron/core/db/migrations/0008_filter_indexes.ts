/**
 * Version 8: indexes for filters answered in pages by keyset (issue 12). A filter with no query
 * walks intakes newest first by (submitted_at, id) under its source, its status or its date range,
 * a grade filter walks customers by (created_at, id) and a review queue reads its status by
 * status_since, so a page costs the same at a million rows as at a thousand and no filter scans
 * the table.
 */
import type { Migration } from './types';

export const migration0008: Migration = {
  version: 8,
  name: 'filter_indexes',
  up(db) {
    db.exec(`
      CREATE INDEX intakes_by_source_time ON intakes (source, submitted_at, id, customer_id);
      CREATE INDEX intakes_by_status_time ON intakes (status, submitted_at, id, customer_id);
      CREATE INDEX intakes_by_time ON intakes (submitted_at, id, customer_id);
      -- What a result list shows, so a page of results never reads a customer's whole document.
      CREATE INDEX customers_summary ON customers (id, name, mobile, id_number, birth_date, grade);
      -- Review queues: a status, longest waiting first, read without sorting every pending record.
      CREATE INDEX intakes_by_status_since ON intakes (status, status_since);
      -- "Returned to me": one person's records in a status, without reading everyone else's.
      CREATE INDEX intakes_by_status_enterer ON intakes (status, entered_by, status_since);
      CREATE INDEX customers_by_grade_time ON customers (grade, created_at, id);
      -- A customer's intakes, with what a filter asks of them (is a later one matching too?).
      CREATE INDEX intakes_by_customer_filters ON intakes (customer_id, submitted_at, id, source, status);
      DROP INDEX IF EXISTS intakes_by_customer;
      DROP INDEX IF EXISTS intakes_by_status;
      DROP INDEX IF EXISTS customers_by_grade;
    `);
  },
};
