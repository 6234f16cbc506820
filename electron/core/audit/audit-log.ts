/**
 * The audit trail: append-only (triggers refuse UPDATE and DELETE) and hash-chained, so that a
 * changed, removed or reordered entry is found by `verify`, which names the first broken entry.
 * Details hold ids and codes only, never personal data in clear.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditVerifyResult } from '../../../shared/api/contract';
import type { CoreContext } from '../context';
import type { Db } from '../db/connection';

export type AuditDetails = Record<string, string | number | boolean | null>;

export const GENESIS_HASH = '0'.repeat(64);

interface AuditRow {
  seq: number;
  at: number;
  device_id: string;
  staff_id: string | null;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** Hash of one entry over a canonical encoding of every stored field plus the previous hash. */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.at, row.device_id, row.staff_id, row.action, row.target, row.details, row.prev_hash]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;
  private readonly pageStmt;
  private readonly allStmt;

  constructor(
    private readonly db: Db,
    private readonly ctx: Pick<CoreContext, 'now' | 'deviceId'>,
  ) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (seq, at, device_id, staff_id, action, target, details, prev_hash, hash)
       VALUES (:seq, :at, :device_id, :staff_id, :action, :target, :details, :prev_hash, :hash)`,
    );
    this.pageStmt = db.prepare<{ beforeSeq: number; limit: number }, AuditRow>(
      'SELECT * FROM audit_log WHERE seq < :beforeSeq ORDER BY seq DESC LIMIT :limit',
    );
    this.allStmt = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq');
  }

  append(staffId: string | null, action: string, target: string | null, details: AuditDetails = {}): void {
    const write = (): void => {
      const last = this.lastStmt.get();
      const row = {
        seq: (last?.seq ?? 0) + 1,
        at: this.ctx.now(),
        device_id: this.ctx.deviceId,
        staff_id: staffId,
        action,
        target,
        details: JSON.stringify(details),
        prev_hash: last?.hash ?? GENESIS_HASH,
      };
      this.insertStmt.run({ ...row, hash: entryHash(row) });
    };
    if (this.db.inTransaction) write();
    else this.db.transaction(write).immediate();
  }

  list(beforeSeq: number | undefined, limit: number): AuditEntry[] {
    return this.pageStmt.all({ beforeSeq: beforeSeq ?? Number.MAX_SAFE_INTEGER, limit }).map((row) => ({
      seq: row.seq,
      at: row.at,
      staffId: row.staff_id,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as AuditDetails,
    }));
  }

  verify(): AuditVerifyResult {
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    let entries = 0;
    for (const row of this.allStmt.iterate()) {
      entries += 1;
      const broken = (problem: string): AuditVerifyResult => ({ ok: false, entries, firstBrokenSeq: row.seq, problem });
      if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
      if (row.prev_hash !== expectedPrev) return broken('does not link to the entry before it');
      if (entryHash(row) !== row.hash) return broken('its content was changed after it was written');
      expectedPrev = row.hash;
      expectedSeq += 1;
    }
    return { ok: true, entries };
  }
}
