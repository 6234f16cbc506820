/**
 * Version 4: field-level changes (issue 9). Each customer field keeps the HLC of the capture that
 * set it (`field_hlc`, per-field last-writer-wins); an intake keeps the fields it carries with the
 * values they replace (`changes`) and the HLC of its capture; a draft keeps the fields marked to be
 * cleared; ops this version cannot read wait in quarantine. Existing rows are kept as they are:
 * their fields count as set by the last op that wrote them.
 */
import type { Migration } from './types';

export const migration0004: Migration = {
  version: 4,
  name: 'field_changes',
  up(db) {
    db.exec(`
      ALTER TABLE customers ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE intakes ADD COLUMN changes TEXT;
      ALTER TABLE intakes ADD COLUMN captured_hlc TEXT NOT NULL DEFAULT '';
      ALTER TABLE drafts ADD COLUMN cleared TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE intakes ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
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
      UPDATE intakes SET field_hlc = COALESCE(
        (SELECT json_group_object(k.key, k.hlc) FROM (
           SELECT j.key AS key, max(o.hlc) AS hlc FROM ops o, json_each(o.changes) j
           WHERE o.entity = 'intake' AND o.entity_id = intakes.id GROUP BY j.key) k),
        '{}');
    `);
  },
};
