/**
 * New search keys wait in `customer_search_pending` and are merged into `customer_search` in the
 * desk's quiet moments, a small slice at a time (docs/decisions/0031). A submit then writes its
 * customer's keys (about eight) into a few pages that stay in memory, instead of reading and writing
 * about eight leaves scattered over an index of millions of keys; the merge does that work while
 * nobody waits for an answer. Searches read both tables, so a customer is found by every key from
 * the moment they are submitted, merged or not.
 */
import type { Db } from '../db/connection';
import { statementsFor } from '../db/statements';

/** Keys moved per slice at most: a customer's keys or so (eight on average); the slice's time budget usually stops it first. */
export const MERGE_SLICE_KEYS = 24;
/** A request ended this long ago and none is running: the desk is quiet enough to merge. */
export const MERGE_QUIET_MS = 250;
/** After a merge that failed (a full disk), the next try waits this long. */
export const MERGE_RETRY_MS = 5_000;

const statements = statementsFor((db: Db) => ({
  // In key order: the slice's keys sit close together in the merged index.
  oldest: db.prepare<[number], [string, string, string, number, string | null]>('SELECT kind, term, customer_id, facets, summary FROM customer_search_pending ORDER BY kind, term, customer_id LIMIT ?').raw(),
  insert: db.prepare<[string, string, string, number, string | null]>('INSERT OR IGNORE INTO customer_search (kind, term, customer_id, facets, summary) VALUES (?, ?, ?, ?, ?)'),
  remove: db.prepare<[string, string, string]>('DELETE FROM customer_search_pending WHERE kind = ? AND term = ? AND customer_id = ?'),
  waiting: db.prepare<[], number>('SELECT count(*) FROM customer_search_pending').pluck(),
}));

/**
 * Moves up to `maxKeys` waiting keys into the search index in one transaction; `more` is asked
 * before each key after the first and stops the slice early when it says no (a time budget).
 * Returns how many keys moved (0: none were waiting).
 *
 * The slice commits like any other write, flushed to disk: committed without its flush, its pages
 * would wait in the log for the next durable commit — a customer's submit — to flush them.
 */
export function mergePendingKeys(db: Db, maxKeys: number = MERGE_SLICE_KEYS, more: () => boolean = () => true): number {
  const { oldest, insert, remove } = statements(db);
  return db.transaction(() => {
    let moved = 0;
    for (const [kind, term, customerId, facets, summary] of oldest.all(maxKeys)) {
      if (moved > 0 && !more()) break;
      insert.run(kind, term, customerId, facets, summary);
      remove.run(kind, term, customerId);
      moved += 1;
    }
    return moved;
  })();
}

/** Merges every waiting key (a bulk load, tools, tests): slice after slice until none is left. */
export function mergeAllPendingKeys(db: Db): number {
  let total = 0;
  for (let moved = mergePendingKeys(db, 4_096); moved > 0; moved = mergePendingKeys(db, 4_096)) total += moved;
  return total;
}

/** How many keys wait to be merged. */
export function pendingKeyCount(db: Db): number {
  return statements(db).waiting.get() ?? 0;
}

/**
 * Whether the desk is quiet: no request running, the last one ended at least `quietMs` ago, and no
 * failed merge asked to wait. Pure: the core worker gives it the time.
 */
export class QuietMoments {
  private running = 0;
  private lastEnded = Number.NEGATIVE_INFINITY;
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(private readonly timing: { quietMs: number; retryMs: number } = { quietMs: MERGE_QUIET_MS, retryMs: MERGE_RETRY_MS }) {}

  started(): void {
    this.running += 1;
  }

  ended(now: number): void {
    this.running = Math.max(0, this.running - 1);
    this.lastEnded = now;
  }

  isQuiet(now: number): boolean {
    return this.running === 0 && now - this.lastEnded >= this.timing.quietMs && now >= this.notBefore;
  }

  /** The background work failed: nothing more of it until `retryMs` from now. */
  failed(now: number): void {
    this.notBefore = now + this.timing.retryMs;
  }
}
