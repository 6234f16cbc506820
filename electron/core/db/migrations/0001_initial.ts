/**
 * Version 1: device metadata, the op log and its outbox view, the audit chain, and the projections
 * for staff and configuration documents. Ops and audit entries are append-only, enforced by
 * triggers so that no code path (or stray UPDATE) can rewrite history.
 */
import type { Migration } from './types';

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE ops (
        op_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        staff_id TEXT,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        changes TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        UNIQUE (device_id, seq)
      ) STRICT;
      CREATE INDEX ops_by_entity ON ops (entity, entity_id, hlc);
      CREATE TRIGGER ops_append_only_update BEFORE UPDATE ON ops BEGIN SELECT RAISE(ABORT, 'ops are append-only'); END;
      CREATE TRIGGER ops_append_only_delete BEFORE DELETE ON ops BEGIN SELECT RAISE(ABORT, 'ops are append-only'); END;

      -- Highest sequence per device that the server has acknowledged (sync fills this in later).
      CREATE TABLE sync_state (
        device_id TEXT PRIMARY KEY,
        acked_seq INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE VIEW outbox AS
        SELECT o.* FROM ops o
        JOIN meta m ON m.key = 'device_id' AND o.device_id = m.value
        WHERE o.seq > COALESCE((SELECT s.acked_seq FROM sync_state s WHERE s.device_id = o.device_id), 0);

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        staff_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE staff (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        certified INTEGER NOT NULL,
        active INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_hlc TEXT NOT NULL
      ) STRICT;

      -- Failed logins and lockouts are this desk's own business and never synced.
      CREATE TABLE login_state (
        staff_id TEXT PRIMARY KEY REFERENCES staff (id),
        failed_count INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER
      ) STRICT;

      -- Configuration documents (organisation, security settings), merged field by field from ops.
      CREATE TABLE config (
        id TEXT PRIMARY KEY,
        doc TEXT NOT NULL,
        updated_hlc TEXT NOT NULL
      ) STRICT;
    `);
  },
};
