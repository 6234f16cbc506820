/**
 * The desk's half of sync, independent of the wire: which outbox ops go in the next push batch,
 * what an acknowledgement lets go, how a pulled batch is verified, decrypted and applied, and how
 * long to wait after a failure.
 *
 * - Push: this desk's ops above the acknowledged sequence, in sequence order, sealed, at most
 *   `MAX_BATCH_BYTES` per batch. The server answers the highest contiguous sequence it holds for
 *   this desk; only then does the outbox shrink (`sync_state.acked_seq`, never backwards).
 * - Pull: each sealed op is verified (signed by a trusted, unrevoked desk), decrypted and handed to
 *   `OpLog.apply` — the one apply path — all in one short IMMEDIATE transaction per batch. What
 *   cannot be verified or decrypted is quarantined (still sealed) with the reason and reported.
 */
import type { KeyObject } from 'node:crypto';
import { OpRefused, rowToOp, type OpRow } from '../oplog/oplog';
import type { Services } from '../services';
import type { OpManifest } from '../../../shared/api/sync-contract';
import { ManifestBook, openOp, openOpAsync, sealedSize, sealUnsigned, type OpenResult, type SealedOp } from './envelope';
import { signManifest } from './wire-signing';
import type { SyncStore } from './sync-store';

/** The server's body limit is 1 MB: a batch and its framing stay under it. */
export const MAX_BATCH_BYTES = 1024 * 1024 - 16 * 1024;
export const MAX_BATCH_OPS = 2000;

export interface PushBatch {
  ops: SealedOp[];
  /** The one manifest that signs `ops` (decision 0022). */
  manifests: OpManifest[];
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

/**
 * The next push batch, or null when the outbox is empty (or the desk is not enrolled): the ops
 * sealed, and signed at once by one manifest of their hashes.
 *
 * `as`: push another device's ops under its own key — a restored desk's previous self, whose ops
 * made before the backup may never have reached the server.
 */
export function nextPushBatch(services: Services, store: SyncStore, maxBytes = MAX_BATCH_BYTES, as?: { deviceId: string; signingKey: KeyObject; acked: number }): PushBatch | null {
  const keyring = store.keyring();
  if (!keyring) return null;
  const acked = as?.acked ?? store.ackedSeq();
  const rows = services.ctx.db
    .prepare<{ deviceId: string; acked: number; limit: number }, OpRow>('SELECT * FROM ops WHERE device_id = :deviceId AND seq > :acked ORDER BY seq LIMIT :limit')
    .all({ deviceId: as?.deviceId ?? store.deviceId, acked, limit: MAX_BATCH_OPS });
  const signingKey = as?.signingKey ?? store.signingKey();
  if (rows.length === 0) return null;
  const sealed: Array<Omit<SealedOp, 'signature' | 'manifestId'>> = [];
  // The body's framing and the manifest's own fields, then per op: the op, its `manifestId` and its
  // line in the manifest.
  let bytes = MANIFEST_OVERHEAD_BYTES;
  for (const row of rows) {
    const op = sealUnsigned(rowToOp(row), keyring.siteId, keyring);
    const size = sealedSize(op) + 1 + PER_OP_MANIFEST_BYTES;
    if (sealed.length > 0 && bytes + size > maxBytes) break;
    sealed.push(op);
    bytes += size;
  }
  const { ops, manifest } = signManifest(signingKey, keyring.siteId, as?.deviceId ?? store.deviceId, sealed);
  return { ops, manifests: [manifest], firstSeq: ops[0]?.seq ?? 0, lastSeq: ops[ops.length - 1]?.seq ?? 0, bytes };
}

/** `{"ops":[],"manifests":[{"manifestId":…,"siteId":…,"deviceId":…,"opHashes":[],"signature":…}]}` and a margin. */
const MANIFEST_OVERHEAD_BYTES = 512;
/** `,"manifestId":"<64 hex>"` in the op and `"<44 base64>",` in the manifest. */
const PER_OP_MANIFEST_BYTES = 80 + 47;

/** The server holds every sequence up to `highestContiguous`: those leave the outbox. */
export function acknowledge(services: Services, store: SyncStore, highestContiguous: number): void {
  const written = Number(services.meta.get('device_seq') ?? '0');
  services.ctx.db.transaction(() => store.setAckedSeq(Math.min(highestContiguous, written))).immediate();
}

export interface ApplyReport {
  applied: number;
  duplicate: number;
  quarantined: number;
  reasons: string[];
}

/**
 * Verify, decrypt and apply a pulled batch. Opening (signatures, AES-GCM) happens before the
 * transaction, so the write transaction other requests may wait behind holds only the apply.
 */
export function applyPulledBatch(services: Services, store: SyncStore, sealed: readonly unknown[], alsoInTransaction?: () => void, manifests: readonly unknown[] = []): ApplyReport {
  const keyring = store.keyring();
  if (!keyring) throw new Error('this desk is not enrolled: it holds no keyring');
  const signerKey = (deviceId: string): string | undefined => store.signerKey(deviceId);
  const book = new ManifestBook(manifests, keyring.siteId, signerKey);
  const opened = sealed.map((raw) => openOp(raw, keyring.siteId, keyring, signerKey, book));
  return applyOpenedBatch(services, sealed, opened, alsoInTransaction, book);
}

/**
 * `applyPulledBatch` as the sync service runs it: the batch's signatures are verified on libuv's
 * thread pool (every core, the core's thread free meanwhile), then everything that opened is applied
 * through `OpLog.apply` in one transaction. `manifests`: those of the pull page (decision 0022),
 * each verified once for all the ops it signs.
 */
export async function pullBatch(services: Services, store: SyncStore, sealed: readonly unknown[], alsoInTransaction?: () => void, manifests: readonly unknown[] = []): Promise<ApplyReport> {
  const keyring = store.keyring();
  if (!keyring) throw new Error('this desk is not enrolled: it holds no keyring');
  const signerKey = (deviceId: string): string | undefined => store.signerKey(deviceId);
  const book = new ManifestBook(manifests, keyring.siteId, signerKey);
  const opened = await Promise.all(sealed.map((raw) => openOpAsync(raw, keyring.siteId, keyring, signerKey, book)));
  return applyOpenedBatch(services, sealed, opened, alsoInTransaction, book);
}

/**
 * Apply what opened, quarantine what did not (still sealed, with the manifest that signs it so it
 * can be opened again later), in one transaction.
 */
export function applyOpenedBatch(services: Services, sealed: readonly unknown[], opened: readonly OpenResult[], alsoInTransaction?: () => void, book?: ManifestBook): ApplyReport {
  const report: ApplyReport = { applied: 0, duplicate: 0, quarantined: 0, reasons: [] };
  services.transact(() => {
    sealed.forEach((raw, index) => {
      const result = opened[index];
      if (!result?.ok) {
        const reason = result ? `${result.reason} ${result.detail}` : 'malformed missing';
        keepManifestOf(services, raw, book);
        services.ops.quarantineSealed(opIdOf(raw), raw, reason);
        report.quarantined += 1;
        report.reasons.push(result?.reason ?? 'malformed');
        return;
      }
      try {
        const applied = services.ops.apply(result.op);
        if (applied.outcome === 'applied') report.applied += 1;
        else if (applied.outcome === 'duplicate') report.duplicate += 1;
        else {
          report.quarantined += 1;
          report.reasons.push(applied.reason);
        }
      } catch (error) {
        if (!(error instanceof OpRefused)) throw error;
        keepManifestOf(services, raw, book);
        services.ops.quarantineSealed(result.op.opId, raw, `${error.reason} ${error.message}`);
        report.quarantined += 1;
        report.reasons.push(error.reason);
      }
    });
    alsoInTransaction?.();
  });
  return report;
}

/**
 * A quarantined op signed by a manifest needs that manifest to be opened again later: it is kept
 * once per manifest in `meta` (`sync_manifest:<id>`), however many of its ops wait, and let go when
 * none waits any more (`retryQuarantined`).
 */
const MANIFEST_KEY = 'sync_manifest:';

function keepManifestOf(services: Services, raw: unknown, book: ManifestBook | undefined): void {
  const id = manifestIdOf(raw);
  const manifest = id === null ? undefined : book?.manifest(id);
  if (manifest && services.meta.get(MANIFEST_KEY + manifest.manifestId) === undefined) services.meta.set(MANIFEST_KEY + manifest.manifestId, JSON.stringify(manifest));
}

function manifestIdOf(raw: unknown): string | null {
  const id = (raw as { manifestId?: unknown } | null)?.manifestId;
  return typeof id === 'string' ? id : null;
}

/** Sealed ops kept back earlier (unknown desk, unknown key version, clock): try again now. */
export function retryQuarantined(services: Services, store: SyncStore): number {
  const keyring = store.keyring();
  if (!keyring) return 0;
  const held = services.ops.quarantinedSealed();
  if (held.length === 0) return 0;
  const ids = new Set(held.map(({ sealed }) => manifestIdOf(sealed)).filter((id): id is string => id !== null));
  const kept = [...ids].map((id) => services.meta.get(MANIFEST_KEY + id)).filter((text): text is string => text !== undefined);
  const book = new ManifestBook(
    kept.map((text) => JSON.parse(text) as unknown),
    keyring.siteId,
    (id) => store.signerKey(id),
  );
  let released = 0;
  services.transact(() => {
    const waiting = new Set<string>();
    for (const { opId, sealed } of held) {
      const opened = openOp(sealed, keyring.siteId, keyring, (id) => store.signerKey(id), book);
      let out = false;
      if (opened.ok) {
        try {
          const result = services.ops.apply(opened.op);
          if (result.outcome !== 'quarantined') {
            services.ops.release(opId);
            released += 1;
            out = true;
          }
        } catch (error) {
          if (!(error instanceof OpRefused)) throw error;
        }
      }
      const id = manifestIdOf(sealed);
      if (!out && id !== null) waiting.add(id);
    }
    const forget = services.ctx.db.prepare<{ key: string }>('DELETE FROM meta WHERE key = :key');
    for (const id of ids) if (!waiting.has(id)) forget.run({ key: MANIFEST_KEY + id });
  });
  return released;
}

function opIdOf(raw: unknown): string {
  const opId = (raw as { opId?: unknown } | null)?.opId;
  return typeof opId === 'string' ? opId.slice(0, 64) : `unreadable:${JSON.stringify(raw).slice(0, 40)}`;
}

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/** Exponential backoff with full jitter, capped at 5 minutes: attempt 1 waits up to 1 s, then 2 s, 4 s, … */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
