/**
 * Version 15: review queues in pages, most urgent first (issue 12, docs/decisions/0024). A queue's
 * order is its deadline, then how long the record has waited: an online submission's deadline runs
 * from its receipt (`started_at`) while it waits for a cross-check or comes back to its enterer; the
 * other records of those queues have no deadline and come after it, longest waiting first. This
 * index keeps exactly that order — the receipt time for online records, a constant beyond every
 * time for the rest, then `status_since`, then `id` — so a page is one ordered range of an index read
 * from where the last page ended, whatever the number waiting. Returned records are queued per
 * enterer (the second column: the enterer for "returned", '' for cross-checks); a returned record's
 * own deadline runs from when it came back (`status_since`), so the non-online part of "returned" is
 * in that order already. Every column a queue item shows is in the index. It is partial, over the two
 * statuses whose order it gives, and one index (one pass over the intakes table when a desk
 * upgrades). The lead-approval and final-review queues (no deadlines) read `intakes_queue` of
 * version 13.
 */
import type { Migration } from './types';

/** Records with no deadline sort after every time. */
export const NO_DEADLINE = 9007199254740991;
/** The deadline order of a cross-check or a returned record: its receipt time if it came online, else after every time. */
export const URGENCY_KEY = `(CASE WHEN source = 'online' THEN started_at ELSE ${NO_DEADLINE} END)`;
/** Whose queue: the enterer of a returned record, '' for a cross-check (everyone's queue). */
export const QUEUE_OWNER = "(CASE WHEN status = 'returned' THEN entered_by ELSE '' END)";
/** The statuses the index holds: a query names them (as written here) so SQLite may use it. */
export const URGENCY_STATUSES = "status IN ('pending_cross_check', 'returned')";

export const migration0015: Migration = {
  version: 15,
  name: 'queue_urgency',
  up(db) {
    db.exec(`CREATE INDEX IF NOT EXISTS intakes_queue_urgency ON intakes (status, ${QUEUE_OWNER}, ${URGENCY_KEY}, status_since, id, customer_id, source, started_at, submitted_at, entered_by, flags, assigned_to) WHERE ${URGENCY_STATUSES}`);
  },
};
