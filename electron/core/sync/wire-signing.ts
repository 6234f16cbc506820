/**
 * Node-only helpers for the sync contract's signatures (Ed25519 via Node's `crypto`), used by the
 * server and by the desk's sync client. Not for the renderer bundle.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalRequest, opSigningInput, SIGNED_HEADERS, type WireOp } from '../../../shared/api/sync-contract';

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

export function signOp(privateKey: KeyObject, op: Omit<WireOp, 'signature'>): WireOp {
  const signature = sign(null, Buffer.from(opSigningInput(op), 'utf8'), privateKey).toString('base64');
  return { ...op, signature };
}

export function verifyOp(publicKey: KeyObject, op: WireOp): boolean {
  return verifySignature(publicKey, opSigningInput(op), op.signature);
}

/** Like `verifyOp`, on libuv's thread pool: a batch verifies on every core. */
export function verifyOpAsync(publicKey: KeyObject, op: WireOp): Promise<boolean> {
  const signature = Buffer.from(op.signature, 'base64');
  if (signature.length !== 64) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, Buffer.from(opSigningInput(op), 'utf8'), publicKey, signature, (error, ok) => resolve(!error && ok));
    } catch {
      resolve(false);
    }
  });
}
