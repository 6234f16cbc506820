/**
 * What a restore drill (and every restore) checks in a restored database before anyone relies on
 * it: SQLite's own integrity check, the audit hash chain, the record counts, and the op log read
 * back against the tables: every projection re-derived from the op log into a scratch database
 * must equal the restored tables.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deriveDeskKeys } from '../crypto/desk-keys';
import { openDatabase } from '../db/connection';
import { generateKeyHex } from '../db/key-file';
import { migrate } from '../db/migrations';
import { allOps, firstDifference, project } from '../oplog/digest';
import { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import type { ArchiveCounts } from './archive';

export interface RebuildCheck {
  ok: boolean;
  problems: string[];
}

/**
 * Re-derive every projection from the op log into a scratch database and compare it with the
 * restored tables (the same check as `npm run rebuild`, docs/decisions/0005-op-log-and-audit.md).
 */
export function checkOpLogAgainstTables(db: Db): RebuildCheck {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-desk-verify-'));
  try {
    const scratch = openDatabase(path.join(dir, 'scratch.db'), generateKeyHex());
    try {
      migrate(scratch);
      project(scratch, allOps(db));
      const difference = firstDifference(db, scratch);
      return difference ? { ok: false, problems: [`rebuilt from the op log, the tables differ (${difference})`] } : { ok: true, problems: [] };
    } finally {
      scratch.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Record counts of a database; `attachments` is the number of attachment files that go with it. */
export function countRecords(db: Db, attachments = 0): ArchiveCounts {
  const count = (table: 'customers' | 'intakes' | 'ops'): number => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
  return { customers: count('customers'), intakes: count('intakes'), ops: count('ops'), attachments };
}

export interface DatabaseVerification {
  ok: boolean;
  integrity: string;
  audit: { ok: boolean; entries: number; problem?: string };
  rebuild: RebuildCheck;
  counts: ArchiveCounts;
}

/** `attachments`: how many attachment files came with the database (compared with the header's count). */
export function verifyDatabase(db: Db, keyHex: string, expected?: ArchiveCounts, attachments = 0): DatabaseVerification {
  const integrity = String(db.pragma('integrity_check', { simple: true }));
  // A backup from an older version is brought to this version's schema first, as opening it would.
  migrate(db);
  // The chain is keyed from the restored database's own key; the signed head is written after the restore.
  const auditResult = new AuditLog(db, { now: Date.now, deviceId: new MetaRepo(db).get('device_id') ?? 'unknown' }, { key: deriveDeskKeys(keyHex).auditChain, head: null }).verify();
  const audit = auditResult.ok ? { ok: true, entries: auditResult.entries } : { ok: false, entries: auditResult.entries, problem: `entry ${auditResult.firstBrokenSeq}: ${auditResult.problem}` };
  const rebuild = checkOpLogAgainstTables(db);
  const counts = countRecords(db, attachments);
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
    // Merged or still waiting to be merged, the same keys (docs/decisions/0031).
    ['customer_search_all', 'kind, term, customer_id'],
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
