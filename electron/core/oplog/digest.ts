/**
 * The projection tables, compared and digested: rebuild (re-derive from the op log and compare) and
 * convergence (desks that saw the same ops hold the same tables) both use this. JSON text columns
 * are compared as JSON (key order does not matter), everything else as stored.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { OP_KINDS } from '../op-kinds';
import { ENTITY_TYPES, type EntityType, type OpKinds, type StoredOp } from './types';
import { rowToOp } from './oplog';

/** Table → the columns that order its rows (its key). */
export const PROJECTION_TABLES: Readonly<Record<string, readonly string[]>> = {
  staff: ['id'],
  config: ['id'],
  customers: ['id'],
  customer_search: ['kind', 'term', 'customer_id'],
  intakes: ['id'],
  review_events: ['id'],
  field_writes: ['customer_id', 'field', 'as_of'],
  paper_batches: ['id'],
  paper_sheets: ['id'],
  paper_entries: ['id'],
  paper_decisions: ['id'],
  scans: ['id'],
  online_work: ['id'],
  online_attempts: ['id'],
};

/**
 * Tables whose rows are read from elsewhere: a customer's search keys are in one of two tables
 * until a quiet moment merges them (docs/decisions/0031); the view is both, merged in key order, so
 * two desks that merged at different times still hold the same keys.
 */
const READ_FROM: Readonly<Record<string, string>> = { customer_search: 'customer_search_all' };

function canonical(value: unknown): unknown {
  if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
    try {
      return JSON.stringify(sortDeep(JSON.parse(value)));
    } catch {
      return value;
    }
  }
  return value;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortDeep(v)]));
  }
  return value;
}

export function tableRows(db: Db, table: string): string[] {
  const key = PROJECTION_TABLES[table];
  if (!key) throw new Error(`${table} is not a projection`);
  const rows = db.prepare(`SELECT * FROM ${READ_FROM[table] ?? table} ORDER BY ${key.join(', ')}`).all() as Array<Record<string, unknown>>;
  return rows.map((row) => JSON.stringify(Object.keys(row).sort().map((column) => [column, canonical(row[column])])));
}

/** One digest over every projection table. */
export function projectionDigest(db: Db): { digest: string; tables: number; rows: number } {
  const hash = createHash('sha256');
  let rows = 0;
  for (const table of Object.keys(PROJECTION_TABLES)) {
    hash.update(`\u0000${table}\u0000`);
    for (const row of tableRows(db, table)) {
      hash.update(row);
      hash.update('\n');
      rows += 1;
    }
  }
  return { digest: hash.digest('hex'), tables: Object.keys(PROJECTION_TABLES).length, rows };
}

/** The first difference between two databases' projections, or null. */
export function firstDifference(live: Db, scratch: Db): string | null {
  for (const table of Object.keys(PROJECTION_TABLES)) {
    const a = tableRows(live, table);
    const b = tableRows(scratch, table);
    for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
      if (a[index] !== b[index]) {
        const keyOf = (row: string | undefined): string => {
          if (!row) return '(missing)';
          const columns = new Map(JSON.parse(row) as Array<[string, unknown]>);
          return (PROJECTION_TABLES[table] ?? []).map((column) => String(columns.get(column))).join('/');
        };
        const [left, right] = [keyOf(a[index]), keyOf(b[index])];
        const [rowA, rowB] = [a[index], b[index]];
        if (left === right && rowA && rowB) {
          const other = new Map(JSON.parse(rowB) as Array<[string, unknown]>);
          const column = (JSON.parse(rowA) as Array<[string, unknown]>).find(([name, value]) => JSON.stringify(other.get(name)) !== JSON.stringify(value))?.[0];
          return `${table} ${left}: column ${column ?? '?'} differs`;
        }
        return `${table} row ${index + 1}: live ${left}, rebuilt ${right}`;
      }
    }
  }
  return null;
}

/** Every stored op in HLC order. */
export function allOps(db: Db): StoredOp[] {
  return (db.prepare('SELECT * FROM ops ORDER BY hlc, op_id').all() as Parameters<typeof rowToOp>[0][]).map(rowToOp);
}

/** Re-derive every projection in `scratch` (a migrated, empty database) from these ops. */
export function project(scratch: Db, ops: readonly StoredOp[], kinds: OpKinds = OP_KINDS): void {
  scratch.transaction(() => {
    for (const op of ops) {
      if (!(ENTITY_TYPES as readonly string[]).includes(op.entity)) continue;
      kinds[op.entity as EntityType].project(scratch, op);
    }
  })();
}
