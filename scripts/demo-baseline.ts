/**
 * The raw SQLCipher baseline for `npm run demo` (issue 12): the rows one demo batch wrote (ops,
 * customers, search keys, field writes, intakes, review events), inserted again as copies under fresh
 * keys with plain prepared INSERTs into the same database, in one IMMEDIATE transaction, committed —
 * then removed again. Same database, same size, same indexes, same pragmas, same rows: the difference
 * from the demo's own time for that batch is what the op log's apply path (validation, clock, op
 * rows, last-writer-wins projections, review status derivation, search keys, audit) costs.
 */
import type { Db } from '../electron/core/db/connection';

/** Where each rowid table stood before a batch (WITHOUT ROWID tables follow their customers). */
export interface BatchMark {
  ops: number;
  customers: number;
  intakes: number;
  review_events: number;
}

const ROWID_TABLES = ['ops', 'customers', 'intakes', 'review_events'] as const;

export function markBatch(db: Db): BatchMark {
  const top = (table: string): number => (db.prepare(`SELECT coalesce(max(rowid), 0) AS n FROM ${table}`).get() as { n: number }).n;
  return { ops: top('ops'), customers: top('customers'), intakes: top('intakes'), review_events: top('review_events') };
}

type Row = Record<string, unknown>;

/** The rows written since `mark`, table by table. */
function rowsSince(db: Db, mark: BatchMark): Record<string, Row[]> {
  const rows: Record<string, Row[]> = {};
  for (const table of ROWID_TABLES) rows[table] = db.prepare(`SELECT * FROM ${table} WHERE rowid > ?`).all(mark[table]) as Row[];
  const search = db.prepare('SELECT * FROM customer_search WHERE customer_id = ?');
  const writes = db.prepare('SELECT * FROM field_writes WHERE customer_id = ?');
  rows['customer_search'] = [];
  rows['field_writes'] = [];
  for (const customer of rows['customers'] ?? []) {
    rows['customer_search'].push(...(search.all(customer['id']) as Row[]));
    rows['field_writes'].push(...(writes.all(customer['id']) as Row[]));
  }
  return rows;
}

/** The same row under a fresh key: ids get a suffix, the op sequence moves out of the desk's range. */
function copyOf(table: string, row: Row): Row {
  const suffix = (value: unknown): string => `${String(value)}~raw`;
  switch (table) {
    case 'ops':
      return { ...row, op_id: suffix(row['op_id']), seq: Number(row['seq']) + 1e12 };
    case 'customers':
    case 'intakes':
    case 'review_events':
      return { ...row, id: suffix(row['id']) };
    default:
      return { ...row, customer_id: suffix(row['customer_id']) };
  }
}

export interface BaselineResult {
  rows: number;
  seconds: number;
}

/** Insert copies of the batch's rows (timed, with the commit), then take them out again (not timed). */
export function rawBaseline(db: Db, mark: BatchMark): BaselineResult {
  const byTable = rowsSince(db, mark);
  const plans = Object.entries(byTable)
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => {
      const columns = Object.keys(rows[0] as Row);
      const insert = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`);
      return { table, insert, copies: rows.map((row) => copyOf(table, row)) };
    });
  const rows = plans.reduce((sum, plan) => sum + plan.copies.length, 0);
  const started = performance.now();
  db.transaction(() => {
    for (const plan of plans) for (const copy of plan.copies) plan.insert.run(copy);
  }).immediate();
  const seconds = (performance.now() - started) / 1000;
  db.transaction(() => {
    // The op log and review events are append-only by trigger; only these copies go, and each trigger
    // is put back as it was (its own SQL) in the same transaction, so no one ever sees a table without it.
    const guards = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name IN ('ops_append_only_delete', 'review_events_append_only_delete')").all() as Array<{ name: string; sql: string }>;
    for (const guard of guards) db.exec(`DROP TRIGGER ${guard.name}`);
    for (const table of ['ops', 'customers', 'intakes', 'review_events']) db.prepare(`DELETE FROM ${table} WHERE rowid > ? AND ${table === 'ops' ? 'op_id' : 'id'} LIKE '%~raw'`).run(mark[table as keyof BatchMark]);
    const removeSearch = db.prepare('DELETE FROM customer_search WHERE customer_id = ?');
    const removeWrites = db.prepare('DELETE FROM field_writes WHERE customer_id = ?');
    for (const customer of byTable['customers'] ?? []) {
      removeSearch.run(`${String(customer['id'])}~raw`);
      removeWrites.run(`${String(customer['id'])}~raw`);
    }
    for (const guard of guards) db.exec(guard.sql);
  }).immediate();
  return { rows, seconds };
}
