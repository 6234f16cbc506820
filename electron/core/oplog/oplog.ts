/**
 * The replicated op log. Every op, made on this desk or received from another, goes through one
 * function (`apply`): validate the header and the payload for its kind and schema version, advance
 * the hybrid logical clock (`receive` for a foreign op, refusing one more than 5 minutes ahead),
 * store it once (idempotent by op id and by device + sequence), and project it. An op this version
 * cannot read is kept in quarantine with the reason, and applied again after an upgrade.
 */
import { MAX_DRIFT_MS, formatHlc, initialHlc, parseHlc, receive, tick } from '../../../shared/domain/hlc';
import type { CoreContext } from '../context';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import { SCHEMA_VERSION } from '../db/migrations';
import { ENTITY_TYPES, opHeaderSchema, type EntityType, type FieldChanges, type OpKinds, type StoredOp } from './types';

export type { EntityType, FieldChanges, FieldValue, StoredOp } from './types';

/**
 * The most one op's changes may take, serialised. Every RPC input is bounded (shared/api/limits.test.ts)
 * and a record's fields together stay under RECORD_MAX_BYTES; this is the last check before the log.
 */
export const MAX_OP_CHANGES_BYTES = 64 * 1024;

/** Reasons of ops kept back by sync (still sealed) start with this. */
export const SYNC_QUARANTINE_PREFIX = 'sync:';

export interface OpInput {
  entity: EntityType;
  entityId: string;
  changes: FieldChanges;
}

export type ApplyResult = { outcome: 'applied'; op: StoredOp } | { outcome: 'duplicate'; op: StoredOp } | { outcome: 'quarantined'; reason: string };

/** A foreign op refused outright (never stored): a clock far in the future. */
export class OpRefused extends Error {
  constructor(readonly reason: 'clock_drift', message: string) {
    super(message);
    this.name = 'OpRefused';
  }
}

export interface OpRow {
  op_id: string;
  device_id: string;
  seq: number;
  hlc: string;
  staff_id: string | null;
  entity: string;
  entity_id: string;
  changes: string;
  schema_version: number;
  kind: string | null;
}

export function rowToOp(row: OpRow): StoredOp {
  return {
    opId: row.op_id,
    deviceId: row.device_id,
    seq: row.seq,
    hlc: row.hlc,
    staffId: row.staff_id,
    entity: row.entity,
    entityId: row.entity_id,
    kind: row.kind ?? row.entity,
    schemaVersion: row.schema_version,
    changes: JSON.parse(row.changes) as FieldChanges,
  };
}

const isEntityType = (value: string): value is EntityType => (ENTITY_TYPES as readonly string[]).includes(value);

export class OpLog {
  private readonly meta: MetaRepo;
  private readonly insertStmt;
  private readonly historyStmt;
  private readonly ackedStmt;
  private readonly byIdStmt;
  private readonly bySeqStmt;
  private readonly quarantineStmt;
  private readonly quarantinedStmt;
  private readonly unquarantineStmt;

  constructor(
    private readonly db: Db,
    private readonly ctx: Pick<CoreContext, 'now' | 'randomId' | 'deviceId'>,
    private readonly kinds: OpKinds | Partial<OpKinds>,
  ) {
    this.meta = new MetaRepo(db);
    this.insertStmt = db.prepare(
      `INSERT INTO ops (op_id, device_id, seq, hlc, staff_id, entity, entity_id, kind, changes, schema_version)
       VALUES (:opId, :deviceId, :seq, :hlc, :staffId, :entity, :entityId, :kind, :changes, :schemaVersion)`,
    );
    this.historyStmt = db.prepare<{ entity: string; entityId: string }, OpRow>('SELECT * FROM ops WHERE entity = :entity AND entity_id = :entityId ORDER BY hlc');
    this.ackedStmt = db.prepare<{ deviceId: string }, { acked_seq: number }>('SELECT acked_seq FROM sync_state WHERE device_id = :deviceId');
    this.byIdStmt = db.prepare<{ opId: string }, OpRow>('SELECT * FROM ops WHERE op_id = :opId');
    this.bySeqStmt = db.prepare<{ deviceId: string; seq: number }, { op_id: string }>('SELECT op_id FROM ops WHERE device_id = :deviceId AND seq = :seq');
    this.quarantineStmt = db.prepare(
      `INSERT INTO ops_quarantine (op_id, op, reason, received_at) VALUES (:opId, :op, :reason, :receivedAt)
       ON CONFLICT (op_id) DO UPDATE SET reason = excluded.reason`,
    );
    this.quarantinedStmt = db.prepare<[], { op_id: string; op: string; reason: string; received_at: number }>('SELECT * FROM ops_quarantine ORDER BY received_at, op_id');
    this.unquarantineStmt = db.prepare<{ opId: string }>('DELETE FROM ops_quarantine WHERE op_id = :opId');
  }

  /** Make a new op here (next sequence, next HLC) and apply it. Must run inside the caller's transaction. */
  append(staffId: string | null, input: OpInput): StoredOp {
    if (!this.db.inTransaction) throw new Error('ops must be appended inside a transaction');
    if (Buffer.byteLength(JSON.stringify(input.changes)) > MAX_OP_CHANGES_BYTES) throw new Error(`an op's changes exceed ${MAX_OP_CHANGES_BYTES} bytes`);
    const seq = Number(this.meta.get('device_seq') ?? '0') + 1;
    const previous = this.meta.get('hlc_last');
    const hlc = formatHlc(tick(previous ? parseHlc(previous) : initialHlc(this.ctx.deviceId), this.ctx.now()));
    const op: StoredOp = { opId: this.ctx.randomId('op'), deviceId: this.ctx.deviceId, seq, hlc, staffId, entity: input.entity, entityId: input.entityId, kind: input.entity, schemaVersion: SCHEMA_VERSION, changes: input.changes };
    this.meta.set('device_seq', String(seq));
    this.meta.set('hlc_last', hlc);
    const result = this.applyOp(op, true);
    if (result.outcome !== 'applied') throw new Error(`a local op was not applied (${result.outcome === 'quarantined' ? result.reason : 'duplicate'})`);
    return result.op;
  }

  /**
   * The one path for every op. Must run inside the caller's transaction. A foreign op more than
   * 5 minutes ahead of this desk's clock is refused (OpRefused); one this version cannot read is
   * quarantined; one already stored is a no-op.
   */
  apply(raw: unknown): ApplyResult {
    return this.applyOp(raw, false);
  }

  /** `madeHere`: the op comes from `append`, which has already advanced this desk's sequence and clock. */
  private applyOp(raw: unknown, madeHere: boolean): ApplyResult {
    if (!this.db.inTransaction) throw new Error('ops must be applied inside a transaction');
    // An op made here has the header append just built; only a foreign op's header is checked.
    if (!madeHere) {
      const header = opHeaderSchema.safeParse(raw);
      if (!header.success) return this.quarantine(`unreadable:${JSON.stringify(raw).slice(0, 40)}`, raw, `invalid_header: ${header.error.issues[0]?.path.join('.') ?? ''}`);
    }
    const op = raw as StoredOp;
    // An op made here has a fresh random id and the next sequence: it cannot be stored already (and
    // the table's keys would refuse it if it were), so only foreign ops are looked up.
    const existing = madeHere ? undefined : this.byIdStmt.get({ opId: op.opId });
    if (existing) return { outcome: 'duplicate', op: rowToOp(existing) };
    if (op.schemaVersion > SCHEMA_VERSION) return this.quarantine(op.opId, op, `newer_schema: ${op.schemaVersion} > ${SCHEMA_VERSION}`);
    const kind = op.kind ?? op.entity;
    // A kind this version has not registered waits in quarantine until a version that knows it opens the desk.
    const spec = isEntityType(op.entity) && kind === op.entity ? this.kinds[op.entity] : undefined;
    if (!spec) return this.quarantine(op.opId, op, `unknown_kind: ${kind}`);
    const payload = spec.payload.safeParse(op.changes);
    if (!payload.success) {
      const issue = payload.error.issues[0];
      return this.quarantine(op.opId, op, `invalid_payload: ${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`);
    }
    const sameSeq = madeHere ? undefined : this.bySeqStmt.get({ deviceId: op.deviceId, seq: op.seq });
    if (sameSeq) return this.quarantine(op.opId, op, `sequence_taken: ${op.deviceId}#${op.seq} is ${sameSeq.op_id}`);
    if (madeHere) {
      // Nothing to advance: append already took the sequence and the clock.
    } else if (op.deviceId !== this.ctx.deviceId) this.receiveClock(op.hlc);
    else {
      // Our own op: the sequence and clock are already ours (local append), or come back from a peer.
      const seq = Number(this.meta.get('device_seq') ?? '0');
      if (op.seq > seq) this.meta.set('device_seq', String(op.seq));
      const last = this.meta.get('hlc_last');
      if (!last || op.hlc > last) this.meta.set('hlc_last', op.hlc);
    }
    const stored: StoredOp = { ...op, kind, changes: payload.data };
    const changes = JSON.stringify(stored.changes);
    if (Buffer.byteLength(changes) > MAX_OP_CHANGES_BYTES) return this.quarantine(op.opId, op, `too_large: over ${MAX_OP_CHANGES_BYTES} bytes`);
    this.insertStmt.run({ ...stored, changes });
    spec.project(this.db, stored);
    return { outcome: 'applied', op: stored };
  }

  private receiveClock(remoteText: string): void {
    const now = this.ctx.now();
    const remote = parseHlc(remoteText);
    if (remote.wallMs - now > MAX_DRIFT_MS) throw new OpRefused('clock_drift', `an op from ${remote.wallMs - now} ms in the future was refused`);
    const previous = this.meta.get('hlc_last');
    this.meta.set('hlc_last', formatHlc(receive(previous ? parseHlc(previous) : initialHlc(this.ctx.deviceId), remote, now)));
  }

  private quarantine(opId: string, op: unknown, reason: string): ApplyResult {
    this.quarantineStmt.run({ opId, op: JSON.stringify(op), reason, receivedAt: this.ctx.now() });
    return { outcome: 'quarantined', reason };
  }

  /** Ops kept back, with why: shown to the manager. */
  quarantined(): Array<{ opId: string; reason: string; receivedAt: number; entity: string }> {
    return this.quarantinedStmt.all().map((row) => ({ opId: row.op_id, reason: row.reason, receivedAt: row.received_at, entity: String((JSON.parse(row.op) as { entity?: unknown }).entity ?? '') }));
  }

  /**
   * A sealed op from the server that could not be verified or decrypted: kept, as received, with the
   * reason (prefixed `sync:`), for the manager and for the sync engine to open again once it knows
   * the key or the desk. Must run inside the caller's transaction.
   */
  quarantineSealed(opId: string, sealed: unknown, reason: string): void {
    if (!this.db.inTransaction) throw new Error('ops must be quarantined inside a transaction');
    this.quarantine(opId, sealed, `${SYNC_QUARANTINE_PREFIX}${reason}`);
  }

  /** Sealed ops kept back by sync, to be opened again. */
  quarantinedSealed(): Array<{ opId: string; sealed: unknown }> {
    return this.quarantinedStmt
      .all()
      .filter((row) => row.reason.startsWith(SYNC_QUARANTINE_PREFIX))
      .map((row) => ({ opId: row.op_id, sealed: JSON.parse(row.op) as unknown }));
  }

  release(opId: string): void {
    this.unquarantineStmt.run({ opId });
  }

  /** After an upgrade: apply again what this version can now read. Returns how many left quarantine. */
  reapplyQuarantined(): number {
    let released = 0;
    for (const row of this.quarantinedStmt.all()) {
      // Sealed ops kept back by sync are opened again by the sync engine, not here.
      if (row.reason.startsWith(SYNC_QUARANTINE_PREFIX)) continue;
      const result = this.apply(JSON.parse(row.op) as unknown);
      if (result.outcome !== 'quarantined') {
        this.unquarantineStmt.run({ opId: row.op_id });
        released += 1;
      }
    }
    return released;
  }

  history(entity: EntityType, entityId: string): StoredOp[] {
    return this.historyStmt.all({ entity, entityId }).map(rowToOp);
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
