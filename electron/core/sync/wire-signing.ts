/**
 * Node-only helpers for the sync contract's signatures (Ed25519 via Node's `crypto`), used by the
 * server and by the desk's sync client. Not for the renderer bundle.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalRequest, manifestSigningInput, opSigningInput, SIGNED_HEADERS, type OpManifest, type WireOp } from '../../../shared/api/sync-contract';

export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** An Ed25519 or X25519 public key from its raw 32 bytes (base64). */
export function publicKeyFromRaw(rawBase64: string, curve: 'Ed25519' | 'X25519' = 'Ed25519'): KeyObject {
  const x = Buffer.from(rawBase64, 'base64').toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: curve, x }, format: 'jwk' });
}

/** The raw 32 bytes (base64) of an Ed25519 or X25519 public key. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an OKP key');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** The headers that sign one request. `path` includes the query string exactly as sent. */
export function signRequestHeaders(args: {
  privateKey: KeyObject;
  method: string;
  path: string;
  body: string | Uint8Array;
  siteId: string;
  deskId: string;
  now: number;
  nonce?: string;
}): Record<string, string> {
  const timestamp = String(Math.trunc(args.now));
  const nonce = args.nonce ?? randomBytes(18).toString('base64url');
  const text = canonicalRequest({ method: args.method, path: args.path, bodySha256Hex: sha256Hex(args.body), siteId: args.siteId, deskId: args.deskId, timestamp, nonce });
  const signature = sign(null, Buffer.from(text, 'utf8'), args.privateKey).toString('base64');
  return {
    [SIGNED_HEADERS.site]: args.siteId,
    [SIGNED_HEADERS.desk]: args.deskId,
    [SIGNED_HEADERS.timestamp]: timestamp,
    [SIGNED_HEADERS.nonce]: nonce,
    [SIGNED_HEADERS.signature]: signature,
  };
}

export function verifySignature(publicKey: KeyObject, text: string, signatureBase64: string): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64) return false;
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, signature);
  } catch {
    return false;
  }
}

export function signOp(privateKey: KeyObject, op: Omit<WireOp, 'signature' | 'manifestId'>): WireOp {
  const signature = sign(null, Buffer.from(opSigningInput(op), 'utf8'), privateKey).toString('base64');
  return { ...op, signature };
}

/** An op's own signature (ops signed one by one); false for an op without one. */
export function verifyOp(publicKey: KeyObject, op: WireOp): boolean {
  return op.signature !== undefined && verifySignature(publicKey, opSigningInput(op), op.signature);
}

/** Like `verifyOp`, on libuv's thread pool: a batch verifies on every core. */
export function verifyOpAsync(publicKey: KeyObject, op: WireOp): Promise<boolean> {
  return op.signature === undefined ? Promise.resolve(false) : verifyAsync(publicKey, opSigningInput(op), op.signature);
}

function verifyAsync(publicKey: KeyObject, text: string, signatureBase64: string): Promise<boolean> {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, Buffer.from(text, 'utf8'), publicKey, signature, (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false);
    }
  });
}

// ---- batch signatures (decision 0022) ----

/** SHA-256 of the op's signing input, base64: its line in a manifest. */
export function opHash(op: Omit<WireOp, 'signature' | 'manifestId'>): string {
  return createHash('sha256').update(opSigningInput(op), 'utf8').digest('base64');
}

/**
 * Signs a push's ops at once: one manifest listing their hashes, signed by the writing desk, and the
 * ops naming it. Every op must be of `deviceId` at `siteId`.
 */
export function signManifest(privateKey: KeyObject, siteId: string, deviceId: string, ops: ReadonlyArray<Omit<WireOp, 'signature' | 'manifestId'>>): { manifest: OpManifest; ops: WireOp[] } {
  const opHashes = ops.map(opHash);
  const text = manifestSigningInput({ siteId, deviceId, opHashes });
  const manifestId = sha256Hex(text);
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64');
  return { manifest: { manifestId, siteId, deviceId, opHashes, signature }, ops: ops.map((op) => ({ ...op, manifestId })) };
}

/**
 * A manifest checked once: its id is the hash of what it says and its signature verifies under
 * `publicKey` (on libuv's thread pool). Resolves with the set of op hashes it vouches for, or null.
 */
export async function verifyManifestAsync(publicKey: KeyObject, manifest: OpManifest): Promise<Set<string> | null> {
  const text = manifestSigningInput(manifest);
  if (sha256Hex(text) !== manifest.manifestId) return null;
  return (await verifyAsync(publicKey, text, manifest.signature)) ? new Set(manifest.opHashes) : null;
}
