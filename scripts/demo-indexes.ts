/**
 * Bulk loading for `npm run demo` (issue 12): when a run at least doubles the data, the secondary
 * indexes nothing on the apply path reads are dropped for the load and built again at the end — one
 * sorted pass each instead of a random B-tree insert per row per index (the classic bulk-load order).
 * Their SQL is kept in `meta` in the same transaction that drops them, so a run that dies half way is
 * repaired by the next `npm run demo` (it restores them before anything else), and the end of a run
 * restores exactly what was there.
 */
import type { Db } from '../electron/core/db/connection';

const META_KEY = 'demo_deferred_indexes';
const TABLES = ['ops', 'customers', 'intakes', 'review_events', 'customer_search', 'field_writes'];
/**
 * These stay: read while applying ops (review status derivation, search-key replacement), or named
 * by a query (`INDEXED BY`), which does not even prepare without its index — the core would not open.
 */
const KEPT = ['review_events_by_intake', 'customer_search_by_customer', 'customers_summary', 'customers_by_grade_time', 'intakes_by_customer_filters'];

interface IndexDef {
  name: string;
  sql: string;
}

/** Drop the deferrable indexes; returns how many. */
export function deferIndexes(db: Db): number {
  return db.transaction(() => {
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map(() => '?').join(', ')}) ORDER BY name`)
      .all(...TABLES) as IndexDef[];
    const deferred = indexes.filter((index) => !KEPT.includes(index.name));
    if (deferred.length === 0) return 0;
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(META_KEY, JSON.stringify(deferred));
    // Names come from sqlite_schema, not from input.
    for (const index of deferred) db.exec(`DROP INDEX "${index.name}"`);
    return deferred.length;
  }).immediate();
}

/** Build again whatever an earlier `deferIndexes` dropped (this run's or a run that died); returns how many. */
export function restoreIndexes(db: Db): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as { value: string } | undefined;
  if (!row) return 0;
  const deferred = JSON.parse(row.value) as IndexDef[];
  return db.transaction(() => {
    let built = 0;
    for (const index of deferred) {
      const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").get(index.name);
      if (exists) continue;
      db.exec(index.sql);
      built += 1;
    }
    db.prepare('DELETE FROM meta WHERE key = ?').run(META_KEY);
    return built;
  }).immediate();
}
