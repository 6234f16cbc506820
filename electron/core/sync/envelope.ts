/**
 * The envelope an op travels in between desks and the server (`WireOp` in
 * shared/api/sync-contract.ts).
 *
 * The header stays in clear (the server stores, orders and dedupes by it): op id, site, device,
 * sequence, HLC, entity type and id, kind, schema version, data-key version and payload size.
 * Everything else — the staff id and the field changes — is the payload, sealed with AES-256-GCM
 * under the data key of `keyVersion` with the whole header as additional authenticated data, so a
 * ciphertext moved to another record, desk or sequence no longer opens. The writing desk signs the
 * header, nonce and ciphertext with its Ed25519 key (`opSigningInput`). Node's `crypto` only.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { wireOpSchema, type WireOp } from '../../../shared/api/sync-contract';
import { opHeaderSchema, type FieldChanges, type StoredOp } from '../oplog/types';
import { aeadOpen, aeadSeal, dataKey, publicKeyOf, type Keyring } from './keyring';
import { signOp, verifyOp, verifyOpAsync } from './wire-signing';

export type SealedOp = WireOp;

const payloadSchema = z.object({ staffId: z.string().max(80).nullable(), changes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) });

type HeaderFields = Pick<WireOp, 'opId' | 'siteId' | 'deviceId' | 'seq' | 'hlc' | 'entity' | 'entityId' | 'kind' | 'schemaVersion' | 'keyVersion' | 'payloadBytes'>;

/** The whole header as bytes, in a fixed order: the AAD of the payload. */
export function headerAad(h: HeaderFields): Buffer {
  return Buffer.from(
    JSON.stringify(['intake-desk/payload/v1', h.opId, h.siteId, h.deviceId, h.seq, h.hlc, h.entity, h.entityId, h.kind ?? '', h.schemaVersion, h.keyVersion, h.payloadBytes]),
    'utf8',
  );
}

export function sealOp(op: StoredOp, siteId: string, keyring: Keyring, signingKey: KeyObject): SealedOp {
  const plain = Buffer.from(JSON.stringify({ staffId: op.staffId, changes: op.changes }), 'utf8');
  const header: HeaderFields = {
    opId: op.opId,
    siteId,
    deviceId: op.deviceId,
    seq: op.seq,
    hlc: op.hlc,
    entity: op.entity,
    entityId: op.entityId,
    kind: op.kind ?? op.entity,
    schemaVersion: op.schemaVersion,
    keyVersion: keyring.current,
    payloadBytes: plain.length,
  };
  const sealed = aeadSeal(dataKey(keyring, keyring.current), plain, headerAad(header));
  return signOp(signingKey, { ...header, nonce: sealed.subarray(0, 12).toString('base64'), ciphertext: sealed.subarray(12).toString('base64') });
}

export type OpenFailure = 'malformed' | 'unknown_desk' | 'bad_signature' | 'unknown_key_version' | 'undecryptable' | 'wrong_site';
export type OpenResult = { ok: true; op: StoredOp } | { ok: false; reason: OpenFailure; detail: string };

/** The signer's key of a trusted, unrevoked desk, or undefined. */
export type SignerKey = (deviceId: string) => string | undefined;

type Checked = { ok: true; wire: WireOp; key: KeyObject } | { ok: false; reason: OpenFailure; detail: string };

/** Shape, site and signer: everything before the signature itself. */
function checkSealed(raw: unknown, siteId: string, signerKey: SignerKey): Checked {
  const parsed = wireOpSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed', detail: parsed.error.issues[0]?.path.join('.') ?? '' };
  const wire = parsed.data;
  if (wire.siteId !== siteId) return { ok: false, reason: 'wrong_site', detail: wire.siteId };
  const key = signerKey(wire.deviceId);
  if (!key) return { ok: false, reason: 'unknown_desk', detail: wire.deviceId };
  return { ok: true, wire, key: publicKeyOf(key) };
}

/**
 * Verify and decrypt. `signerKey` gives the raw Ed25519 public key of a trusted, unrevoked desk, or
 * undefined. Never throws: what does not open goes to quarantine with the reason.
 */
export function openOp(raw: unknown, siteId: string, keyring: Keyring, signerKey: SignerKey): OpenResult {
  const checked = checkSealed(raw, siteId, signerKey);
  if (!checked.ok) return checked;
  if (!verifyOp(checked.key, checked.wire)) return { ok: false, reason: 'bad_signature', detail: checked.wire.opId };
  return decryptVerified(checked.wire, keyring);
}

/**
 * `openOp` with the signature checked on libuv's thread pool, so a batch verifies on every core
 * while the core's thread stays free (issue 10's pull throughput). The same answers as `openOp`.
 */
export async function openOpAsync(raw: unknown, siteId: string, keyring: Keyring, signerKey: SignerKey): Promise<OpenResult> {
  const checked = checkSealed(raw, siteId, signerKey);
  if (!checked.ok) return checked;
  if (!(await verifyOpAsync(checked.key, checked.wire))) return { ok: false, reason: 'bad_signature', detail: checked.wire.opId };
  return decryptVerified(checked.wire, keyring);
}

function decryptVerified(wire: WireOp, keyring: Keyring): OpenResult {
  const versionKey = keyring.dataKeys[String(wire.keyVersion)];
  if (!versionKey) return { ok: false, reason: 'unknown_key_version', detail: String(wire.keyVersion) };
  let body: z.infer<typeof payloadSchema>;
  try {
    const sealed = Buffer.concat([Buffer.from(wire.nonce, 'base64'), Buffer.from(wire.ciphertext, 'base64')]);
    const plain = aeadOpen(Buffer.from(versionKey, 'base64'), sealed, headerAad(wire));
    body = payloadSchema.parse(JSON.parse(plain.toString('utf8')));
  } catch {
    return { ok: false, reason: 'undecryptable', detail: wire.opId };
  }
  const op: StoredOp = {
    opId: wire.opId,
    deviceId: wire.deviceId,
    seq: wire.seq,
    hlc: wire.hlc,
    staffId: body.staffId,
    entity: wire.entity,
    entityId: wire.entityId,
    kind: wire.kind ?? wire.entity,
    schemaVersion: wire.schemaVersion,
    changes: body.changes as FieldChanges,
  };
  const check = opHeaderSchema.safeParse(op);
  if (!check.success) return { ok: false, reason: 'malformed', detail: check.error.issues[0]?.path.join('.') ?? '' };
  return { ok: true, op };
}

/** Serialised size of a sealed op, for ≤ 1 MB push batches. */
export function sealedSize(op: SealedOp): number {
  return Buffer.byteLength(JSON.stringify(op));
}
