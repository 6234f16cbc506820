/**
 * What a restore drill (and every restore) checks in a restored database before anyone relies on
 * it: SQLite's own integrity check, the audit hash chain, the record counts, and the op log read
 * back against the tables. `checkOpLogAgainstTables` is the one place to point at a full rebuild
 * (re-deriving every projection from the op log into a scratch database and comparing) once one
 * exists; until then it checks what a plain comparison can: every projected row has the ops that
 * made it, every entity in the log has its row, and each row carries the newest HLC the log holds
 * for it.
 */
import { createHash } from 'node:crypto';
import { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import type { ArchiveCounts } from './archive';

/** Projection tables and the op-log entity that writes each (the id column is `id`). */
const PROJECTIONS = [
  { entity: 'customer', table: 'customers', hlc: 'updated_hlc' },
  { entity: 'intake', table: 'intakes', hlc: 'updated_hlc' },
  { entity: 'staff', table: 'staff', hlc: 'updated_hlc' },
  { entity: 'config', table: 'config', hlc: 'updated_hlc' },
  { entity: 'review_event', table: 'review_events', hlc: 'hlc' },
] as const;

export interface RebuildCheck {
  ok: boolean;
  problems: string[];
}

export function checkOpLogAgainstTables(db: Db): RebuildCheck {
  const problems: string[] = [];
  for (const { entity, table, hlc } of PROJECTIONS) {
    // Table and column names come from the constant above, never from input.
    const missingOps = db.prepare<{ entity: string }, { n: number }>(`SELECT count(*) AS n FROM ${table} t WHERE NOT EXISTS (SELECT 1 FROM ops o WHERE o.entity = :entity AND o.entity_id = t.id)`).get({ entity })?.n ?? 0;
    if (missingOps > 0) problems.push(`${missingOps} ${table} rows have no op in the log`);
    const missingRows = db.prepare<{ entity: string }, { n: number }>(`SELECT count(DISTINCT o.entity_id) AS n FROM ops o WHERE o.entity = :entity AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = o.entity_id)`).get({ entity })?.n ?? 0;
    if (missingRows > 0) problems.push(`${missingRows} ${entity} entities in the log have no ${table} row`);
    const stale = db
      .prepare<{ entity: string }, { n: number }>(`SELECT count(*) AS n FROM ${table} t WHERE t.${hlc} <> (SELECT max(o.hlc) FROM ops o WHERE o.entity = :entity AND o.entity_id = t.id)`)
      .get({ entity })?.n ?? 0;
    if (stale > 0) problems.push(`${stale} ${table} rows are older than their newest op`);
  }
  return { ok: problems.length === 0, problems };
}

export function countRecords(db: Db): ArchiveCounts {
  const count = (table: 'customers' | 'intakes' | 'ops'): number => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
  return { customers: count('customers'), intakes: count('intakes'), ops: count('ops'), attachments: 0 };
}

export interface DatabaseVerification {
  ok: boolean;
  integrity: string;
  audit: { ok: boolean; entries: number; problem?: string };
  rebuild: RebuildCheck;
  counts: ArchiveCounts;
}

export function verifyDatabase(db: Db, expected?: ArchiveCounts): DatabaseVerification {
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  const auditResult = new AuditLog(db, { now: Date.now, deviceId: new MetaRepo(db).get('device_id') ?? 'unknown' }).verify();
  const audit = auditResult.ok ? { ok: true, entries: auditResult.entries } : { ok: false, entries: auditResult.entries, problem: `entry ${auditResult.firstBrokenSeq}: ${auditResult.problem}` };
  const rebuild = checkOpLogAgainstTables(db);
  const counts = countRecords(db);
  const countsMatch = !expected || (expected.customers === counts.customers && expected.intakes === counts.intakes && expected.ops === counts.ops && expected.attachments === counts.attachments);
  if (!countsMatch) rebuild.problems.push(`the counts differ from the backup's header`);
  return { ok: integrity === 'ok' && audit.ok && rebuild.ok && countsMatch, integrity, audit, rebuild: { ok: rebuild.problems.length === 0, problems: rebuild.problems }, counts };
}

/** SHA-256 over every synced table and the audit log, row by row in key order: equal digests, equal data. */
export function contentDigest(db: Db): string {
  const hash = createHash('sha256');
  const tables = [
    ['ops', 'op_id'],
    ['audit_log', 'seq'],
    ['customers', 'id'],
    ['customer_search', 'kind, term, customer_id'],
    ['intakes', 'id'],
    ['review_events', 'id'],
    ['staff', 'id'],
    ['config', 'id'],
  ] as const;
  for (const [table, order] of tables) {
    hash.update(`\n#${table}\n`);
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).iterate()) hash.update(JSON.stringify(row));
  }
  return hash.digest('hex');
}
