/**
 * The database of a desk as schema 19 left it, made from a current one: only name keys carry their
 * customer's list columns, and schema 18's trigger follows those alone (migration 0020 undone).
 */
import type { Db } from '../../electron/core/db/connection';
import { SUMMARY_TRIGGER } from '../../electron/core/db/migrations/0018_name_key_summary';

export function asSchema19(db: Db): void {
  db.exec(`
    DROP TRIGGER customers_key_summary;
    UPDATE customer_search SET summary = NULL WHERE kind <> 'name';
    UPDATE customer_search_pending SET summary = NULL WHERE kind <> 'name';
    ${SUMMARY_TRIGGER}
    PRAGMA user_version = 19;
  `);
}
