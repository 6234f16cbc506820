/**
 * Everything the server reads and writes, as parameterised SQL. Every statement names its site first;
 * no statement spans two sites.
 */
import type { Database, Queryable } from './db';
import { SYNC_LIMITS, type Desk, type DeskKeys, type OpManifest, type PulledOp, type Site, type WireOp, type WrappedKey } from '../../shared/api/sync-contract';

interface DeskRow {
  site_id: string;
  desk_id: string;
  sign_public_key: string;
  box_public_key: string;
  label: string | null;
  state: Desk['state'];
  created_at: string | number;
  activated_at: string | number | null;
  revoked_at: string | number | null;
}

const num = (value: string | number | bigint): number => Number(value);
const numOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

function deskFromRow(row: DeskRow): Desk {
  return {
    siteId: row.site_id,
    deskId: row.desk_id,
    signPublicKey: row.sign_public_key,
    boxPublicKey: row.box_public_key,
    label: row.label,
    state: row.state,
    createdAt: num(row.created_at),
    activatedAt: numOrNull(row.activated_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}

export class DuplicateError extends Error {}

export interface PushOutcome {
  stored: number;
  duplicates: number;
  conflicts: WireOp[];
  highestContiguousSeq: number;
}

export class Store {
  constructor(private readonly db: Database) {}

  async site(siteId: string): Promise<Site | null> {
    const rows = await this.db.query<{ organisation_id: string; site_id: string; label: string | null; created_at: string }>(
      'SELECT organisation_id, site_id, label, created_at FROM sites WHERE site_id = $1',
      [siteId],
    );
    const row = rows[0];
    return row ? { organisationId: row.organisation_id, siteId: row.site_id, label: row.label, createdAt: num(row.created_at) } : null;
  }

  async desk(siteId: string, deskId: string): Promise<Desk | null> {
    const rows = await this.db.query<DeskRow>('SELECT * FROM desks WHERE site_id = $1 AND desk_id = $2', [siteId, deskId]);
    return rows[0] ? deskFromRow(rows[0]) : null;
  }

  async desks(siteId: string): Promise<Desk[]> {
    return (await this.db.query<DeskRow>('SELECT * FROM desks WHERE site_id = $1 ORDER BY created_at, desk_id', [siteId])).map(deskFromRow);
  }

  /** A new organisation with its first site and that site's first desk, active. */
  async register(args: { organisationId: string; organisationLabel: string | null; siteId: string; siteLabel: string | null; desk: DeskKeys; now: number }): Promise<{ site: Site; desk: Desk }> {
    return this.db.transaction(async (tx) => {
      const taken = await tx.query(
        'SELECT 1 FROM organisations WHERE organisation_id = $1 UNION ALL SELECT 1 FROM sites WHERE site_id = $2',
        [args.organisationId, args.siteId],
      );
      if (taken.length > 0) throw new DuplicateError('organisation or site exists');
      await tx.query('INSERT INTO organisations (organisation_id, label, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [args.organisationId, args.organisationLabel, args.now]);
      const site = await tx.query('INSERT INTO sites (site_id, organisation_id, label, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING site_id', [args.siteId, args.organisationId, args.siteLabel, args.now]);
      if (site.length === 0) throw new DuplicateError('site exists');
      const desk = await insertDesk(tx, args.siteId, args.desk, 'active', args.now);
      return { site: { organisationId: args.organisationId, siteId: args.siteId, label: args.siteLabel, createdAt: args.now }, desk };
    });
  }

  async createSite(args: { organisationId: string; siteId: string; label: string | null; now: number }): Promise<Site> {
    const rows = await this.db.query('INSERT INTO sites (site_id, organisation_id, label, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING site_id', [
      args.siteId,
      args.organisationId,
      args.label,
      args.now,
    ]);
    if (rows.length === 0) throw new DuplicateError('site exists');
    return { organisationId: args.organisationId, siteId: args.siteId, label: args.label, createdAt: args.now };
  }

  async enrol(siteId: string, keys: DeskKeys, now: number): Promise<Desk> {
    return this.db.transaction((tx) => insertDesk(tx, siteId, keys, 'pending', now));
  }

  /** Stores wrapped keys; with `activate`, also makes that desk active (if pending). */
  async putKeys(siteId: string, keys: readonly WrappedKey[], now: number, activate?: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      if (activate !== undefined) {
        await tx.query("UPDATE desks SET state = 'active', activated_at = $3 WHERE site_id = $1 AND desk_id = $2 AND state = 'pending'", [siteId, activate, now]);
      }
      for (const key of keys) {
        await tx.query(
          `INSERT INTO wrapped_keys (site_id, recipient_desk_id, key_version, wrapped_by, algorithm, ephemeral_public_key, nonce, ciphertext, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (site_id, recipient_desk_id, key_version) DO UPDATE SET wrapped_by = EXCLUDED.wrapped_by, algorithm = EXCLUDED.algorithm,
             ephemeral_public_key = EXCLUDED.ephemeral_public_key, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext, created_at = EXCLUDED.created_at`,
          [siteId, key.recipientDeskId, key.keyVersion, key.wrappedBy, key.algorithm, key.ephemeralPublicKey ?? null, key.nonce, key.ciphertext, now],
        );
      }
      return keys.length;
    });
  }

  async keysFor(siteId: string, deskId: string): Promise<WrappedKey[]> {
    const rows = await this.db.query<{ recipient_desk_id: string; key_version: number; wrapped_by: string; algorithm: string; ephemeral_public_key: string | null; nonce: string; ciphertext: string }>(
      'SELECT recipient_desk_id, key_version, wrapped_by, algorithm, ephemeral_public_key, nonce, ciphertext FROM wrapped_keys WHERE site_id = $1 AND recipient_desk_id = $2 ORDER BY key_version',
      [siteId, deskId],
    );
    return rows.map((row) => ({
      recipientDeskId: row.recipient_desk_id,
      keyVersion: num(row.key_version),
      wrappedBy: row.wrapped_by,
      algorithm: row.algorithm,
      ...(row.ephemeral_public_key === null ? {} : { ephemeralPublicKey: row.ephemeral_public_key }),
      nonce: row.nonce,
      ciphertext: row.ciphertext,
    }));
  }

  async revoke(siteId: string, deskId: string, now: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE desks SET state = 'revoked', revoked_at = $3 WHERE site_id = $1 AND desk_id = $2 AND state <> 'revoked'", [siteId, deskId, now]);
      await tx.query('DELETE FROM wrapped_keys WHERE site_id = $1 AND recipient_desk_id = $2', [siteId, deskId]);
    });
  }

  /** Records a request nonce; false when that desk already used it (a replay). */
  async useNonce(siteId: string, deskId: string, nonce: string, now: number): Promise<boolean> {
    const rows = await this.db.query('INSERT INTO request_nonces (site_id, desk_id, nonce, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING nonce', [siteId, deskId, nonce, now]);
    return rows.length === 1;
  }

  async forgetNoncesBefore(time: number): Promise<void> {
    await this.db.query('DELETE FROM request_nonces WHERE seen_at < $1', [time]);
  }

  /**
   * Drops the buckets of desks idle since `time`: a bucket idle that long has filled up again, and a
   * missing row is a full bucket, so nothing changes but the table's size (self-signed enrolments
   * under fresh desk ids would otherwise leave a row each).
   */
  async forgetIdleBucketsBefore(time: number): Promise<void> {
    await this.db.query('DELETE FROM rate_buckets WHERE at < $1', [time]);
  }

  /**
   * Stores one device's ops for one site, each once (device + seq), with the manifests that sign
   * them. Takes the site's row lock so the site's cursor grows in commit order (a puller never skips
   * an op committed later at a lower cursor). An op already held at its device + seq with the same
   * op id is a duplicate, acknowledged quietly: a desk that pushes again re-seals its ops, so the
   * nonce, ciphertext and signature differ, while the op id names the op. A different op id at a
   * held device + seq is a conflict.
   */
  async push(siteId: string, deviceId: string, ops: readonly WireOp[], now: number, manifests: readonly OpManifest[] = []): Promise<PushOutcome> {
    return this.db.transaction(async (tx) => {
      const locked = await tx.query<{ last_cursor: string }>('SELECT last_cursor FROM sites WHERE site_id = $1 FOR UPDATE', [siteId]);
      let cursor = num(locked[0]?.last_cursor ?? 0);
      const bySeq = new Map<number, WireOp>();
      const conflicts: WireOp[] = [];
      let duplicates = 0;
      for (const op of ops) {
        const seen = bySeq.get(op.seq);
        if (!seen) bySeq.set(op.seq, op);
        else if (seen.opId === op.opId) duplicates += 1;
        else conflicts.push(op);
      }
      const held = await tx.query<{ seq: string; op_id: string }>('SELECT seq, op_id FROM ops WHERE site_id = $1 AND device_id = $2 AND seq = ANY($3::bigint[])', [
        siteId,
        deviceId,
        [...bySeq.keys()],
      ]);
      for (const row of held) {
        const op = bySeq.get(num(row.seq));
        if (!op) continue;
        bySeq.delete(op.seq);
        if (op.opId === row.op_id) duplicates += 1;
        else conflicts.push(op);
      }
      const fresh = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
      if (fresh.length > 0) {
        const named = new Set(fresh.map((op) => op.manifestId).filter((id): id is string => id !== undefined));
        for (const manifest of manifests) {
          if (!named.has(manifest.manifestId)) continue;
          await tx.query(
            'INSERT INTO op_manifests (site_id, manifest_id, device_id, op_hashes, signature, stored_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
            [siteId, manifest.manifestId, manifest.deviceId, manifest.opHashes.join('\n'), manifest.signature, now],
          );
        }
        const cols: unknown[][] = Array.from({ length: 15 }, () => []);
        for (const op of fresh) {
          cursor += 1;
          const values = [cursor, op.opId, op.seq, op.hlc, op.entity, op.entityId, op.kind ?? null, op.schemaVersion, op.keyVersion, op.payloadBytes, op.nonce, op.ciphertext, op.signature ?? null, op.manifestId ?? null, now];
          values.forEach((value, index) => cols[index]?.push(value));
        }
        await tx.query(
          `INSERT INTO ops (site_id, device_id, cursor, op_id, seq, hlc, entity, entity_id, kind, schema_version, key_version, payload_bytes, nonce, ciphertext, signature, manifest_id, stored_at)
           SELECT $1, $2, * FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::int[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[], $17::bigint[])`,
          [siteId, deviceId, ...cols],
        );
        await tx.query('UPDATE sites SET last_cursor = $2 WHERE site_id = $1', [siteId, cursor]);
      }
      const highestContiguousSeq = await advanceProgress(tx, siteId, deviceId, fresh.length);
      return { stored: fresh.length, duplicates, conflicts, highestContiguousSeq };
    });
  }

  /**
   * The site's ops after `after`, at most `limit`, and the manifests they name. A page names at most
   * `SYNC_LIMITS.pullManifests` manifests: it ends early (with `more`) rather than name another.
   */
  async pull(siteId: string, after: number, limit: number): Promise<{ ops: PulledOp[]; manifests: OpManifest[]; more: boolean }> {
    const rows = await this.db.query<OpRow>(
      `SELECT cursor, op_id, device_id, seq, hlc, entity, entity_id, kind, schema_version, key_version, payload_bytes, nonce, ciphertext, signature, manifest_id
       FROM ops WHERE site_id = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
      [siteId, after, limit + 1],
    );
    const named = new Set<string>();
    let taken = 0;
    for (const row of rows.slice(0, limit)) {
      if (row.manifest_id !== null && !named.has(row.manifest_id)) {
        if (named.size === SYNC_LIMITS.pullManifests) break;
        named.add(row.manifest_id);
      }
      taken += 1;
    }
    const more = rows.length > taken;
    const manifests =
      named.size === 0
        ? []
        : (
            await this.db.query<{ manifest_id: string; device_id: string; op_hashes: string; signature: string }>(
              'SELECT manifest_id, device_id, op_hashes, signature FROM op_manifests WHERE site_id = $1 AND manifest_id = ANY($2::text[]) ORDER BY manifest_id',
              [siteId, [...named]],
            )
          ).map((row) => ({ manifestId: row.manifest_id, siteId, deviceId: row.device_id, opHashes: row.op_hashes.split('\n'), signature: row.signature }));
    return { ops: rows.slice(0, taken).map((row) => opFromRow(siteId, row)), manifests, more };
  }

  /**
   * Takes one request from the desk's token bucket (`burst` at once, refilled at `perSecond`), in one
   * statement: every replica on this database counts the same requests. False when the bucket is empty.
   */
  async takeToken(siteId: string, deskId: string, limits: { burst: number; perSecond: number }, now: number): Promise<boolean> {
    const rows = await this.db.query<{ granted: boolean }>(
      `INSERT INTO rate_buckets AS b (site_id, desk_id, tokens, at, granted) VALUES ($1, $2, $3::double precision - 1, $4, true)
       ON CONFLICT (site_id, desk_id) DO UPDATE SET
         granted = least($3::double precision, b.tokens + greatest(0, $4 - b.at) * $5::double precision / 1000) >= 1,
         tokens = least($3::double precision, b.tokens + greatest(0, $4 - b.at) * $5::double precision / 1000)
           - CASE WHEN least($3::double precision, b.tokens + greatest(0, $4 - b.at) * $5::double precision / 1000) >= 1 THEN 1 ELSE 0 END,
         at = greatest(b.at, $4)
       RETURNING granted`,
      [siteId, deskId, limits.burst, now, limits.perSecond],
    );
    return rows[0]?.granted === true;
  }

  async digest(siteId: string): Promise<{ devices: { deviceId: string; count: number; highestContiguousSeq: number; highestSeq: number }[]; cursor: number }> {
    const devices = await this.db.query<{ device_id: string; op_count: string; highest_contiguous_seq: string; highest_seq: string }>(
      'SELECT device_id, op_count, highest_contiguous_seq, highest_seq FROM device_progress WHERE site_id = $1 ORDER BY device_id',
      [siteId],
    );
    const site = await this.db.query<{ last_cursor: string }>('SELECT last_cursor FROM sites WHERE site_id = $1', [siteId]);
    return {
      devices: devices.map((row) => ({ deviceId: row.device_id, count: num(row.op_count), highestContiguousSeq: num(row.highest_contiguous_seq), highestSeq: num(row.highest_seq) })),
      cursor: num(site[0]?.last_cursor ?? 0),
    };
  }

  /** Stores one piece of a sealed blob; the same piece again is a no-op. Returns how many pieces are held, or null when it conflicts. */
  async putBlobChunk(siteId: string, input: { blobId: string; index: number; count: number; data: Buffer; deskId: string }, now: number): Promise<{ held: number; count: number } | null> {
    return this.db.transaction(async (tx) => {
      const held = await tx.query<{ idx: number; chunk_count: number }>('SELECT idx, chunk_count FROM blob_chunks WHERE site_id = $1 AND blob_id = $2', [siteId, input.blobId]);
      if (held.some((row) => Number(row.chunk_count) !== input.count)) return null;
      if (held.some((row) => Number(row.idx) === input.index)) {
        const same = await tx.query<{ data: Uint8Array }>('SELECT data FROM blob_chunks WHERE site_id = $1 AND blob_id = $2 AND idx = $3', [siteId, input.blobId, input.index]);
        return same[0] && Buffer.from(same[0].data).equals(input.data) ? { held: held.length, count: input.count } : null;
      }
      await tx.query('INSERT INTO blob_chunks (site_id, blob_id, idx, chunk_count, data, stored_by, stored_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [siteId, input.blobId, input.index, input.count, input.data, input.deskId, now]);
      return { held: held.length + 1, count: input.count };
    });
  }

  async blobChunk(siteId: string, blobId: string, index: number): Promise<{ count: number; data: Buffer } | null> {
    const rows = await this.db.query<{ chunk_count: number; data: Uint8Array }>('SELECT chunk_count, data FROM blob_chunks WHERE site_id = $1 AND blob_id = $2 AND idx = $3', [siteId, blobId, index]);
    const row = rows[0];
    return row ? { count: Number(row.chunk_count), data: Buffer.from(row.data) } : null;
  }
}

interface OpRow {
  cursor: string;
  op_id: string;
  device_id: string;
  seq: string;
  hlc: string;
  entity: string;
  entity_id: string;
  kind: string | null;
  schema_version: number;
  key_version: number;
  payload_bytes: number;
  nonce: string;
  ciphertext: string;
  signature: string | null;
  manifest_id: string | null;
}

function opFromRow(siteId: string, row: OpRow): PulledOp {
  return {
    cursor: String(row.cursor),
    opId: row.op_id,
    siteId,
    deviceId: row.device_id,
    seq: num(row.seq),
    hlc: row.hlc,
    entity: row.entity,
    entityId: row.entity_id,
    ...(row.kind === null ? {} : { kind: row.kind }),
    schemaVersion: num(row.schema_version),
    keyVersion: num(row.key_version),
    payloadBytes: num(row.payload_bytes),
    nonce: row.nonce,
    ciphertext: row.ciphertext,
    ...(row.signature === null ? {} : { signature: row.signature }),
    ...(row.manifest_id === null ? {} : { manifestId: row.manifest_id }),
  };
}

async function insertDesk(tx: Queryable, siteId: string, keys: DeskKeys, state: Desk['state'], now: number): Promise<Desk> {
  const rows = await tx.query<DeskRow>(
    `INSERT INTO desks (site_id, desk_id, sign_public_key, box_public_key, label, state, created_at, activated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING *`,
    [siteId, keys.deskId, keys.signPublicKey, keys.boxPublicKey, keys.label ?? null, state, now, state === 'active' ? now : null],
  );
  if (!rows[0]) throw new DuplicateError('desk exists');
  return deskFromRow(rows[0]);
}

/** Moves the device's highest contiguous sequence forward over the ops now held; returns it. */
async function advanceProgress(tx: Queryable, siteId: string, deviceId: string, added: number): Promise<number> {
  const current = await tx.query<{ highest_contiguous_seq: string }>('SELECT highest_contiguous_seq FROM device_progress WHERE site_id = $1 AND device_id = $2', [siteId, deviceId]);
  let contiguous = num(current[0]?.highest_contiguous_seq ?? 0);
  for (;;) {
    const next = await tx.query<{ seq: string }>('SELECT seq FROM ops WHERE site_id = $1 AND device_id = $2 AND seq > $3 ORDER BY seq LIMIT 5000', [siteId, deviceId, contiguous]);
    let moved = 0;
    for (const row of next) {
      if (num(row.seq) !== contiguous + 1) break;
      contiguous += 1;
      moved += 1;
    }
    if (moved < 5000) break;
  }
  await tx.query(
    `INSERT INTO device_progress (site_id, device_id, highest_contiguous_seq, highest_seq, op_count)
     VALUES ($1, $2, $3, (SELECT coalesce(max(seq), 0) FROM ops WHERE site_id = $1 AND device_id = $2), $4)
     ON CONFLICT (site_id, device_id) DO UPDATE SET highest_contiguous_seq = EXCLUDED.highest_contiguous_seq, highest_seq = EXCLUDED.highest_seq,
       op_count = device_progress.op_count + $4`,
    [siteId, deviceId, contiguous, added],
  );
  return contiguous;
}
