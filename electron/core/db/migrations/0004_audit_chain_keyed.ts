/**
 * Version 4: the audit chain becomes keyed. Entries written so far keep their plain SHA-256 hashes
 * (chain 1) and still verify; from now on every entry is an HMAC-SHA-256 (chain 2). On the first
 * start after this migration the core seals the old chain with a keyed `audit.chain_keyed` entry
 * (electron/core/audit/audit-log.ts, docs/decisions/0008-keyed-audit-chain.md).
 */
import type { Migration } from './types';

export const migration0004: Migration = {
  version: 4,
  name: 'audit_chain_keyed',
  up(db) {
    db.exec('ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 1');
  },
};
