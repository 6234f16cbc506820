/**
 * Version 10: online submissions (issue 15; docs/decisions/0015-online-desk.md).
 *
 * - `online_submissions`: what this desk pulled from the central server, one row per submission,
 *   desk-local (every desk pulls for itself): the server's receipt time and code, the opened and
 *   validated payload (in this encrypted database only), or the sealed envelope and the reason when
 *   it could not be opened (quarantine), and a tombstone once erased.
 * - `online_work` and `online_attempts`: projections of `online_submission` and `online_attempt` ops
 *   (per-field last-writer-wins and grow-only), so claims, processing, follow-up, escalations,
 *   breaches and expiries reach every desk of the site through sync.
 */
import type { Migration } from './types';

export const migration0010: Migration = {
  version: 10,
  name: 'online_submissions',
  up(db) {
    db.exec(`
      CREATE TABLE online_submissions (
        id TEXT PRIMARY KEY,
        receipt_code TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        size INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('ready', 'quarantined', 'erased')),
        payload TEXT,
        sealed TEXT,
        problem TEXT NOT NULL DEFAULT '',
        phone_key TEXT NOT NULL DEFAULT '',
        folded_into TEXT,
        pulled_at INTEGER NOT NULL,
        erased_at INTEGER,
        erase_sent INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE UNIQUE INDEX online_submissions_receipt ON online_submissions (receipt_code);
      CREATE INDEX online_submissions_queue ON online_submissions (state, received_at);
      CREATE INDEX online_submissions_folded ON online_submissions (folded_into) WHERE folded_into IS NOT NULL;
      CREATE INDEX online_submissions_phone ON online_submissions (phone_key, received_at) WHERE phone_key <> '';
      CREATE TABLE online_work (
        id TEXT PRIMARY KEY,
        claimed_by TEXT,
        claimed_at INTEGER,
        claim_until INTEGER,
        processed_intake_id TEXT,
        processed_by TEXT,
        processed_at INTEGER,
        follow_up INTEGER NOT NULL DEFAULT 0,
        follow_up_reason TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL DEFAULT '',
        outcome_note TEXT NOT NULL DEFAULT '',
        escalated_at INTEGER,
        breached_at INTEGER,
        expired_at INTEGER,
        updated_hlc TEXT NOT NULL,
        field_hlc TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE TABLE online_attempts (
        id TEXT PRIMARY KEY,
        submission_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        by_staff TEXT NOT NULL,
        at INTEGER NOT NULL,
        hlc TEXT NOT NULL
      ) STRICT;
      CREATE INDEX online_attempts_submission ON online_attempts (submission_id, at);
    `);
  },
};
