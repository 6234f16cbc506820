/**
 * Version 2: customers (the person), intakes (one capture of their information), drafts (an entry
 * in progress, saved on every keystroke, never synced) and the search keys that stay inside the
 * encrypted database (normalised phone and ID, last four digits, name, pinyin and initials).
 */
import type { Migration } from './types';

export const migration0002: Migration = {
  version: 2,
  name: 'customers_intakes',
  up(db) {
    db.exec(`
      CREATE TABLE customers (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        name TEXT NOT NULL,
        mobile TEXT NOT NULL,
        id_number TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        grade TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_hlc TEXT NOT NULL
      ) STRICT;
      CREATE INDEX customers_by_mobile ON customers (mobile);
      CREATE INDEX customers_by_id_number ON customers (id_number);
      CREATE INDEX customers_by_name_birth ON customers (name, birth_date);
      CREATE INDEX customers_by_grade ON customers (grade, created_at);

      CREATE TABLE customer_search (
        kind TEXT NOT NULL,
        term TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        PRIMARY KEY (kind, term, customer_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX customer_search_by_customer ON customer_search (customer_id);

      CREATE TABLE intakes (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        fields TEXT NOT NULL,
        consent TEXT NOT NULL,
        flags TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        submitted_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        customer_present INTEGER NOT NULL,
        updated_hlc TEXT NOT NULL
      ) STRICT;
      CREATE INDEX intakes_by_customer ON intakes (customer_id, submitted_at);
      CREATE INDEX intakes_by_status ON intakes (status, submitted_at);

      CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        staff_id TEXT NOT NULL,
        source TEXT NOT NULL,
        fields TEXT NOT NULL,
        consent TEXT NOT NULL,
        customer_id TEXT,
        started_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX drafts_by_staff ON drafts (staff_id, updated_at);
    `);
  },
};
