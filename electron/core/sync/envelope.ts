/**
 * The envelope an op travels in between desks and the server.
 *
 * The header stays in clear (the server indexes and orders by it): op id, site, device, sequence,
 * HLC, entity type and id, kind, schema version and data-key version. Everything else — the staff
 * id and the field changes — is the payload, sealed with AES-256-GCM under the data key of
 * `keyVersion` with the whole header (canonical JSON) as additional authenticated data, so a
 * ciphertext moved to another record, desk or sequence no longer opens. The desk then signs the
 * header and the ciphertext with its Ed25519 key. Node's `crypto` only.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { opHeaderSchema, type FieldChanges, type StoredOp } from '../oplog/types';
import { aeadOpen, aeadSeal, dataKey, signWith, verifyWith, type Keyring } from './keyring';

export const envelopeHeaderSchema = z.object({
  opId: z.string().min(4).max(64),
  siteId: z.string().min(1).max(80),
  deviceId: z.string().min(1).max(64),
  seq: z.number().int().positive(),
  hlc: z.string().min(1).max(80),
  entity: z.string().min(1).max(40),
  entityId: z.string().min(1).max(80),
  kind: z.string().min(1).max(60),
  schemaVersion: z.number().int().positive(),
  keyVersion: z.number().int().positive(),
});
export type EnvelopeHeader = z.infer<typeof envelopeHeaderSchema>;

export const sealedOpSchema = z.object({
  header: envelopeHeaderSchema,
  /** base64 of iv ‖ ciphertext ‖ tag. */
  payload: z.string().min(1).max(200_000),
  /** base64 Ed25519 signature by the device in the header. */
  signature: z.string().min(1).max(200),
});
export type SealedOp = z.infer<typeof sealedOpSchema>;

const payloadSchema = z.object({ staffId: z.string().max(80).nullable(), changes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) });

/** The header as bytes, always in this key order (the AAD and the signed message depend on it). */
export function headerBytes(h: EnvelopeHeader): Buffer {
  return Buffer.from(
    JSON.stringify([h.opId, h.siteId, h.deviceId, h.seq, h.hlc, h.entity, h.entityId, h.kind, h.schemaVersion, h.keyVersion]),
    'utf8',
  );
}

function signedMessage(h: EnvelopeHeader, payload: string): Buffer {
  return Buffer.concat([Buffer.from('intake-desk/op/v1\n'), headerBytes(h), Buffer.from('\n'), Buffer.from(payload, 'utf8')]);
}

export function sealOp(op: StoredOp, siteId: string, keyring: Keyring, signingKey: KeyObject): SealedOp {
  const header: EnvelopeHeader = {
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
  };
  const plain = Buffer.from(JSON.stringify({ staffId: op.staffId, changes: op.changes }), 'utf8');
  const payload = aeadSeal(dataKey(keyring, keyring.current), plain, headerBytes(header)).toString('base64');
  const signature = signWith(signingKey, signedMessage(header, payload)).toString('base64');
  return { header, payload, signature };
}

export type OpenResult = { ok: true; op: StoredOp } | { ok: false; reason: 'malformed' | 'unknown_desk' | 'bad_signature' | 'unknown_key_version' | 'undecryptable' | 'wrong_site'; detail: string };

/**
 * Verify and decrypt. `signerKey` gives the Ed25519 public key of a trusted (certified, not revoked)
 * desk, or undefined. Never throws: what does not open goes to quarantine with the reason.
 */
export function openOp(raw: unknown, siteId: string, keyring: Keyring, signerKey: (deviceId: string) => string | undefined): OpenResult {
  const parsed = sealedOpSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed', detail: parsed.error.issues[0]?.path.join('.') ?? '' };
  const { header, payload, signature } = parsed.data;
  if (header.siteId !== siteId) return { ok: false, reason: 'wrong_site', detail: header.siteId };
  const key = signerKey(header.deviceId);
  if (!key) return { ok: false, reason: 'unknown_desk', detail: header.deviceId };
  if (!verifyWith(key, signedMessage(header, payload), Buffer.from(signature, 'base64'))) return { ok: false, reason: 'bad_signature', detail: header.opId };
  const versionKey = keyring.dataKeys[String(header.keyVersion)];
  if (!versionKey) return { ok: false, reason: 'unknown_key_version', detail: String(header.keyVersion) };
  let body: z.infer<typeof payloadSchema>;
  try {
    body = payloadSchema.parse(JSON.parse(aeadOpen(Buffer.from(versionKey, 'base64'), Buffer.from(payload, 'base64'), headerBytes(header)).toString('utf8')));
  } catch {
    return { ok: false, reason: 'undecryptable', detail: header.opId };
  }
  const op: StoredOp = {
    opId: header.opId,
    deviceId: header.deviceId,
    seq: header.seq,
    hlc: header.hlc,
    staffId: body.staffId,
    entity: header.entity,
    entityId: header.entityId,
    kind: header.kind,
    schemaVersion: header.schemaVersion,
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
