/**
 * Version 15: review queues in pages, most urgent first (issue 12, docs/decisions/0024). A queue's
 * order is its deadline, then how long the record has waited: an online submission's deadline runs
 * from its receipt (`started_at`) while it waits for a cross-check or comes back to its enterer; the
 * other records of those queues have no deadline and come after it, longest waiting first. These
 * indexes keep exactly that order — the receipt time for online records, a constant beyond every
 * time for the rest, then `status_since`, then `id` — so a page is one ordered range of an index read
 * from where the last page ended, whatever the number waiting. A returned record's own deadline runs
 * from when it came back (`status_since`), so the non-online part of "returned" is in that order
 * already. Every column a queue item shows is in the index; both indexes are partial, over the two
 * statuses whose order they give. The lead-approval and final-review queues (no deadlines) read
 * `intakes_queue` of version 13. Also the open cross-checks per assignee, for suggesting the
 * colleague with the fewest, without reading the whole queue.
 */
import type { Migration } from './types';

/** The deadline order of a cross-check or a returned record: its receipt time if it came online, else after every time. */
export const URGENCY_KEY = "(CASE WHEN source = 'online' THEN started_at ELSE 9007199254740991 END)";
export const NO_DEADLINE = 9007199254740991;

export const migration0015: Migration = {
  version: 15,
  name: 'queue_urgency',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS intakes_cross_check_urgency ON intakes (${URGENCY_KEY}, status_since, id, customer_id, source, started_at, submitted_at, entered_by, flags, assigned_to, status) WHERE status = 'pending_cross_check';
      CREATE INDEX IF NOT EXISTS intakes_returned_urgency ON intakes (entered_by, ${URGENCY_KEY}, status_since, id, customer_id, source, started_at, submitted_at, flags, assigned_to, status) WHERE status = 'returned';
      CREATE INDEX IF NOT EXISTS intakes_cross_check_assigned ON intakes (assigned_to) WHERE status = 'pending_cross_check' AND assigned_to IS NOT NULL;
    `);
  },
};
