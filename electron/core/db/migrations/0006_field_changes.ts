/**
 * Version 6: field-level changes (issue 9). Each customer field keeps the HLC of the capture that
 * set it (`field_hlc`, per-field last-writer-wins); an intake keeps the fields it carries with the
 * values they replace (`changes`) and the HLC of its capture; a draft keeps the fields marked to be
 * cleared; ops this version cannot read wait in quarantine. Existing rows are kept as they are:
 * their fields count as set by the last op that wrote them.
 */
import type { Migration } from './types';

export const migration0006: Migration = {
  version: 6,
  name: 'field_changes',
  up(db) {
    db.exec(`
      -- The op header's kind (NULL for ops written before: their kind is their entity type).
      ALTER TABLE ops ADD COLUMN kind TEXT;
      ALTER TABLE customers ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE intakes ADD COLUMN changes TEXT;
      ALTER TABLE intakes ADD COLUMN captured_hlc TEXT NOT NULL DEFAULT '';
      ALTER TABLE drafts ADD COLUMN cleared TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE intakes ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE staff ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE config ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
      -- Every write to a sensitive field (name, ID number, birth date, phone), a grow-only set: two writes
      -- that did not see each other (the later one's "seen" is older than the earlier one) are a conflict for a lead.
      CREATE TABLE field_writes (
        customer_id TEXT NOT NULL,
        field TEXT NOT NULL,
        as_of TEXT NOT NULL,
        seen TEXT NOT NULL,
        value TEXT NOT NULL,
        intake_id TEXT,
        PRIMARY KEY (customer_id, field, as_of)
      ) STRICT, WITHOUT ROWID;
      -- Ops this version cannot read (invalid, unknown kind, newer schema): kept with the reason, applied again after an upgrade.
      CREATE TABLE ops_quarantine (
        op_id TEXT PRIMARY KEY,
        op TEXT NOT NULL,
        reason TEXT NOT NULL,
        received_at INTEGER NOT NULL
      ) STRICT;
      UPDATE intakes SET captured_hlc = COALESCE(
        (SELECT max(o.hlc) FROM ops o WHERE o.entity = 'intake' AND o.entity_id = intakes.id AND json_extract(o.changes, '$.fields') IS NOT NULL),
        updated_hlc);
      UPDATE customers SET field_hlc = COALESCE(
        (SELECT json_group_object(k.key, k.hlc) FROM (
           SELECT j.key AS key, max(o.hlc) AS hlc FROM ops o, json_each(o.changes) j
           WHERE o.entity = 'customer' AND o.entity_id = customers.id GROUP BY j.key) k),
        '{}');
      INSERT OR IGNORE INTO field_writes (customer_id, field, as_of, seen, value, intake_id)
        SELECT o.entity_id, j.key, o.hlc, o.hlc, json_quote(j.value), NULL
        FROM ops o, json_each(o.changes) j
        WHERE o.entity = 'customer' AND j.key IN ('name', 'idNumber', 'birthDate', 'mobile');
      UPDATE staff SET field_hlc = COALESCE(
        (SELECT json_group_object(k.key, k.hlc) FROM (
           SELECT j.key AS key, max(o.hlc) AS hlc FROM ops o, json_each(o.changes) j
           WHERE o.entity = 'staff' AND o.entity_id = staff.id GROUP BY j.key) k),
        '{}');
      UPDATE config SET field_hlc = COALESCE(
        (SELECT json_group_object(k.key, k.hlc) FROM (
           SELECT j.key AS key, max(o.hlc) AS hlc FROM ops o, json_each(o.changes) j
           WHERE o.entity = 'config' AND o.entity_id = config.id GROUP BY j.key) k),
        '{}');
      UPDATE intakes SET field_hlc = COALESCE(
        (SELECT json_group_object(k.key, k.hlc) FROM (
           SELECT j.key AS key, max(o.hlc) AS hlc FROM ops o, json_each(o.changes) j
           WHERE o.entity = 'intake' AND o.entity_id = intakes.id GROUP BY j.key) k),
        '{}');
    `);
  },
};
