/**
 * The envelope an op travels in between desks and the server (`WireOp` in
 * shared/api/sync-contract.ts).
 *
 * The header stays in clear (the server stores, orders and dedupes by it): op id, site, device,
 * sequence, HLC, entity type and id, kind, schema version, data-key version and payload size.
 * Everything else — the staff id and the field changes — is the payload, sealed with AES-256-GCM
 * under the data key of `keyVersion` with the whole header as additional authenticated data, so a
 * ciphertext moved to another record, desk or sequence no longer opens. The writing desk signs the
 * header, nonce and ciphertext with its Ed25519 key (`opSigningInput`): a push's ops at once, through
 * one manifest of their hashes (`sealOps`, decision 0022), or one op at a time (`sealOp`, as desks
 * did before; still opened). Node's `crypto` only.
 */
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { manifestSigningInput, opManifestSchema, wireOpSchema, type OpManifest, type WireOp } from '../../../shared/api/sync-contract';
import { opHeaderSchema, type FieldChanges, type StoredOp } from '../oplog/types';
import { aeadOpen, aeadSeal, dataKey, publicKeyOf, type Keyring } from './keyring';
import { opHash, sha256Hex, signManifest, signOp, verifyManifestAsync, verifyOp, verifyOpAsync, verifySignature } from './wire-signing';

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

/** One op sealed and signed on its own (ops made before batch signatures were signed so). */
export function sealOp(op: StoredOp, siteId: string, keyring: Keyring, signingKey: KeyObject): SealedOp {
  return signOp(signingKey, sealUnsigned(op, siteId, keyring));
}

/**
 * Ops of one device sealed and signed at once (decision 0022): one manifest of their hashes, signed
 * once, and each op naming it. What a push sends.
 */
export function sealOps(ops: readonly StoredOp[], deviceId: string, siteId: string, keyring: Keyring, signingKey: KeyObject): { ops: SealedOp[]; manifest: OpManifest } {
  return signManifest(signingKey, siteId, deviceId, ops.map((op) => sealUnsigned(op, siteId, keyring)));
}

export function sealUnsigned(op: StoredOp, siteId: string, keyring: Keyring): Omit<WireOp, 'signature' | 'manifestId'> {
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
  return { ...header, nonce: sealed.subarray(0, 12).toString('base64'), ciphertext: sealed.subarray(12).toString('base64') };
}

export type OpenFailure = 'malformed' | 'unknown_desk' | 'bad_signature' | 'unknown_key_version' | 'undecryptable' | 'wrong_site';
export type OpenResult = { ok: true; op: StoredOp } | { ok: false; reason: OpenFailure; detail: string };

/** The signer's key of a trusted, unrevoked desk, or undefined. */
export type SignerKey = (deviceId: string) => string | undefined;

type Checked = { ok: true; wire: WireOp; key: KeyObject } | { ok: false; reason: OpenFailure; detail: string };

type ManifestCheck = { ok: true; hashes: Set<string> } | { ok: false; reason: OpenFailure; detail: string };

/**
 * The manifests a pull page came with (or a quarantined op kept with its own), each verified once
 * however many ops it signs: its id is the hash of what it says, it is of the site, and its desk's
 * key (a trusted, unrevoked desk) signed it.
 */
export class ManifestBook {
  private readonly manifests = new Map<string, OpManifest>();
  private readonly checks = new Map<string, ManifestCheck | Promise<ManifestCheck>>();

  constructor(
    manifests: readonly unknown[],
    private readonly siteId: string,
    private readonly signerKey: SignerKey,
  ) {
    for (const raw of manifests) {
      const parsed = opManifestSchema.safeParse(raw);
      if (parsed.success) this.manifests.set(parsed.data.manifestId, parsed.data);
    }
  }

  /** The manifest of that id, if the book holds it. */
  manifest(id: string): OpManifest | undefined {
    return this.manifests.get(id);
  }

  private before(id: string): ManifestCheck | { ok: true; manifest: OpManifest; key: KeyObject } {
    const manifest = this.manifests.get(id);
    if (!manifest) return { ok: false, reason: 'bad_signature', detail: `manifest ${id.slice(0, 12)} missing` };
    if (manifest.siteId !== this.siteId) return { ok: false, reason: 'wrong_site', detail: manifest.siteId };
    const key = this.signerKey(manifest.deviceId);
    if (!key) return { ok: false, reason: 'unknown_desk', detail: manifest.deviceId };
    return { ok: true, manifest, key: publicKeyOf(key) };
  }

  checkSync(id: string): ManifestCheck {
    const known = this.checks.get(id);
    if (known && !(known instanceof Promise)) return known;
    const before = this.before(id);
    let check: ManifestCheck;
    if (!('manifest' in before)) check = before;
    else {
      const text = manifestSigningInput(before.manifest);
      check =
        sha256Hex(text) === before.manifest.manifestId && verifySignature(before.key, text, before.manifest.signature)
          ? { ok: true, hashes: new Set(before.manifest.opHashes) }
          : { ok: false, reason: 'bad_signature', detail: `manifest ${id.slice(0, 12)}` };
    }
    this.checks.set(id, check);
    return check;
  }

  check(id: string): ManifestCheck | Promise<ManifestCheck> {
    const known = this.checks.get(id);
    if (known) return known;
    const before = this.before(id);
    if (!('manifest' in before)) {
      this.checks.set(id, before);
      return before;
    }
    const pending = verifyManifestAsync(before.key, before.manifest).then((hashes): ManifestCheck => {
      const check: ManifestCheck = hashes ? { ok: true, hashes } : { ok: false, reason: 'bad_signature', detail: `manifest ${id.slice(0, 12)}` };
      this.checks.set(id, check);
      return check;
    });
    this.checks.set(id, pending);
    return pending;
  }

  /** Of the op's own device: a manifest vouches only for the desk that signed it. */
  deviceOf(id: string): string | undefined {
    return this.manifests.get(id)?.deviceId;
  }
}

/** Shape and site, and the signer's key unless a manifest signs the op. */
function checkSealed(raw: unknown, siteId: string, signerKey: SignerKey): Checked | { ok: true; wire: WireOp & { manifestId: string }; key: null } {
  const parsed = wireOpSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'malformed', detail: parsed.error.issues[0]?.path.join('.') ?? '' };
  const wire = parsed.data;
  if (wire.siteId !== siteId) return { ok: false, reason: 'wrong_site', detail: wire.siteId };
  if (wire.manifestId !== undefined) return { ok: true, wire: wire as WireOp & { manifestId: string }, key: null };
  const key = signerKey(wire.deviceId);
  if (!key) return { ok: false, reason: 'unknown_desk', detail: wire.deviceId };
  return { ok: true, wire, key: publicKeyOf(key) };
}

function vouchedBy(check: ManifestCheck, book: ManifestBook, wire: WireOp & { manifestId: string }): OpenFailure | null {
  if (!check.ok) return check.reason;
  if (book.deviceOf(wire.manifestId) !== wire.deviceId || !check.hashes.has(opHash(wire))) return 'bad_signature';
  return null;
}

/**
 * Verify and decrypt. `signerKey` gives the raw Ed25519 public key of a trusted, unrevoked desk, or
 * undefined; `book` holds the manifests that sign ops naming one. Never throws: what does not open
 * goes to quarantine with the reason.
 */
export function openOp(raw: unknown, siteId: string, keyring: Keyring, signerKey: SignerKey, book: ManifestBook = new ManifestBook([], siteId, signerKey)): OpenResult {
  const checked = checkSealed(raw, siteId, signerKey);
  if (!checked.ok) return checked;
  if (checked.key === null) {
    const check = book.checkSync(checked.wire.manifestId);
    const failure = vouchedBy(check, book, checked.wire);
    if (failure) return { ok: false, reason: failure, detail: check.ok ? checked.wire.opId : check.detail };
  } else if (!verifyOp(checked.key, checked.wire)) return { ok: false, reason: 'bad_signature', detail: checked.wire.opId };
  return decryptVerified(checked.wire, keyring);
}

/**
 * `openOp` with signatures checked on libuv's thread pool, so a batch verifies on every core while
 * the core's thread stays free (issue 10's pull throughput); a manifest is verified once for all the
 * ops it signs. The same answers as `openOp`.
 */
export async function openOpAsync(raw: unknown, siteId: string, keyring: Keyring, signerKey: SignerKey, book: ManifestBook = new ManifestBook([], siteId, signerKey)): Promise<OpenResult> {
  const checked = checkSealed(raw, siteId, signerKey);
  if (!checked.ok) return checked;
  if (checked.key === null) {
    const check = await book.check(checked.wire.manifestId);
    const failure = vouchedBy(check, book, checked.wire);
    if (failure) return { ok: false, reason: failure, detail: check.ok ? checked.wire.opId : check.detail };
  } else if (!(await verifyOpAsync(checked.key, checked.wire))) return { ok: false, reason: 'bad_signature', detail: checked.wire.opId };
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
export function sealedSize(op: Omit<SealedOp, 'signature' | 'manifestId'>): number {
  return Buffer.byteLength(JSON.stringify(op));
}
