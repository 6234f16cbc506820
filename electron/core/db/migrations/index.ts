/**
 * The migration registry. Each version is one file; all pending versions run in one transaction
 * with `PRAGMA user_version`, and a database written by a newer app is refused rather than touched.
 */
import type { Db } from '../connection';
import { DatabaseOpenError } from '../connection';
import { migration0001 } from './0001_initial';
import { migration0002 } from './0002_customers_intakes';
import { migration0003 } from './0003_review_events';
import { migration0004 } from './0004_audit_chain_keyed';
import { migration0005 } from './0005_review_attention';
import { migration0006 } from './0006_field_changes';
import { migration0007 } from './0007_paper_batches';
import { migration0008 } from './0008_filter_indexes';
import { migration0009 } from './0009_first_password';
import { migration0010 } from './0010_online_submissions';
import { migration0011 } from './0011_paper_transcription';
import { migration0012 } from './0012_scans';
import { migration0013 } from './0013_queue_indexes';
import { migration0014 } from './0014_paper_blank_on_form';
import { migration0015 } from './0015_queue_urgency';
import { migration0016 } from './0016_search_keys_pending';
import { migration0017 } from './0017_search_key_facets';
import { migration0018 } from './0018_name_key_summary';
import { migration0019 } from './0019_intake_counts';
import { migration0020 } from './0020_key_summaries';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014, migration0015, migration0016, migration0017, migration0018, migration0019, migration0020];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function currentVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuse a database written by a newer app, for tools that read without migrating. */
export function assertNotTooNew(db: Db): void {
  const version = currentVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new DatabaseOpenError('too_new', `This database was written by a newer version of Intake Desk (schema ${version}; this app knows up to ${SCHEMA_VERSION}).`);
  }
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${migration.name} is numbered ${migration.version}, expected ${index + 1}`);
  });
  const from = currentVersion(db);
  const latest = migrations.length;
  if (from > latest) {
    throw new DatabaseOpenError(
      'too_new',
      `This database was written by a newer version of Intake Desk (schema ${from}; this app knows up to ${latest}). Install the newer version; nothing was changed.`,
    );
  }
  if (from === latest) return { from, to: from };
  db.transaction(() => {
    for (const migration of migrations.slice(from)) {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  })();
  return { from, to: latest };
}
