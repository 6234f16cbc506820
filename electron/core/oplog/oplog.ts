/**
 * The one path every mutation takes: append an operation (who, what, when by HLC, which device,
 * which per-device sequence) and update the projection tables, in the same transaction. Sync ships
 * these ops later; the audit trail and "history of this record" read them.
 */
import { formatHlc, initialHlc, parseHlc, tick } from '../../../shared/domain/hlc';
import type { CoreContext } from '../context';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import { SCHEMA_VERSION } from '../db/migrations';
import { PROJECTORS, type EntityType } from './projectors';

export type FieldValue = string | number | boolean | null;
export type FieldChanges = Record<string, FieldValue>;

/**
 * The most one op's changes may take, serialised. Every RPC input is bounded (shared/api/limits.test.ts)
 * and a record's fields together stay under RECORD_MAX_BYTES; this is the last check before the log.
 */
export const MAX_OP_CHANGES_BYTES = 64 * 1024;

export interface OpInput {
  entity: EntityType;
  entityId: string;
  changes: FieldChanges;
}

export interface StoredOp {
  opId: string;
  deviceId: string;
  seq: number;
  hlc: string;
  staffId: string | null;
  entity: string;
  entityId: string;
  changes: FieldChanges;
}

interface OpRow {
  op_id: string;
  device_id: string;
  seq: number;
  hlc: string;
  staff_id: string | null;
  entity: string;
  entity_id: string;
  changes: string;
}

export class OpLog {
  private readonly meta: MetaRepo;
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly ackedStmt;

  constructor(
    private readonly db: Db,
    private readonly ctx: Pick<CoreContext, 'now' | 'randomId' | 'deviceId'>,
  ) {
    this.meta = new MetaRepo(db);
    this.insertStmt = db.prepare(
      `INSERT INTO ops (op_id, device_id, seq, hlc, staff_id, entity, entity_id, changes, schema_version)
       VALUES (:opId, :deviceId, :seq, :hlc, :staffId, :entity, :entityId, :changes, :schemaVersion)`,
    );
    this.historyStmt = db.prepare<{ entity: string; entityId: string }, OpRow>(
      'SELECT op_id, device_id, seq, hlc, staff_id, entity, entity_id, changes FROM ops WHERE entity = :entity AND entity_id = :entityId ORDER BY hlc',
    );
    this.ackedStmt = db.prepare<{ deviceId: string }, { acked_seq: number }>('SELECT acked_seq FROM sync_state WHERE device_id = :deviceId');
  }

  /** Append one op and project it. Must run inside the caller's transaction (see `transact`). */
  append(staffId: string | null, op: OpInput): StoredOp {
    if (!this.db.inTransaction) throw new Error('ops must be appended inside a transaction');
    const changes = JSON.stringify(op.changes);
    if (Buffer.byteLength(changes) > MAX_OP_CHANGES_BYTES) throw new Error(`an op's changes exceed ${MAX_OP_CHANGES_BYTES} bytes`);
    const seq = Number(this.meta.get('device_seq') ?? '0') + 1;
    const previous = this.meta.get('hlc_last');
    const hlc = formatHlc(tick(previous ? parseHlc(previous) : initialHlc(this.ctx.deviceId), this.ctx.now()));
    this.meta.set('device_seq', String(seq));
    this.meta.set('hlc_last', hlc);
    const stored: StoredOp = { opId: this.ctx.randomId('op'), deviceId: this.ctx.deviceId, seq, hlc, staffId, entity: op.entity, entityId: op.entityId, changes: op.changes };
    this.insertStmt.run({ ...stored, changes, schemaVersion: SCHEMA_VERSION });
    PROJECTORS[op.entity](this.db, stored);
    return stored;
  }

  history(entity: EntityType, entityId: string): StoredOp[] {
    return this.historyStmt.all({ entity, entityId }).map((row) => ({
      opId: row.op_id,
      deviceId: row.device_id,
      seq: row.seq,
      hlc: row.hlc,
      staffId: row.staff_id,
      entity: row.entity,
      entityId: row.entity_id,
      changes: JSON.parse(row.changes) as FieldChanges,
    }));
  }

  /**
   * Ops not yet acknowledged by the server. Per-device sequences are contiguous, so this is the
   * difference of two numbers rather than a count over the `outbox` view (which grows with the log).
   */
  outboxSize(): number {
    const written = Number(this.meta.get('device_seq') ?? '0');
    const acked = this.ackedStmt.get({ deviceId: this.ctx.deviceId })?.acked_seq ?? 0;
    return Math.max(0, written - acked);
  }

  /** The outbox itself, counted the slow way: for tests and diagnostics. */
  outboxCountFromView(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }
}
