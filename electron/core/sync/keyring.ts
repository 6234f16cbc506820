/**
 * The site's sync keys, held by every enrolled desk and never by the server in clear.
 *
 * - **Data keys** (AES-256), versioned: every op payload is sealed under the current version;
 *   rotation adds a version and keeps the old ones, so nothing old is re-encrypted and old ops stay
 *   readable.
 * - **Desk identity**: an Ed25519 key pair that signs this desk's ops and requests, and an X25519
 *   key pair to which an enrolled desk wraps the keyring at pairing.
 * - **Recovery key**: the organisation's one printed key (../backup/recovery-key.ts); the keyring
 *   is wrapped on the server for the recovery desk derived from it, so it recovers the site when
 *   every desk is lost.
 *
 * On the desk the keyring and identity are sealed (AES-256-GCM) under a key derived from the
 * database key, which itself lives in the OS keychain or key file and never in the database.
 * Node's `crypto` only.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { z } from 'zod';
import { parseRecoveryKey } from '../backup/recovery-key';
import { publicKeyFromRaw, rawPublicKey } from './wire-signing';

const DATA_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyringError extends Error {
  constructor(
    readonly code: 'unwrap_failed' | 'bad_recovery_key' | 'unknown_key_version' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'KeyringError';
  }
}

export const keyringSchema = z.object({
  format: z.literal(1),
  orgId: z.string().min(1).max(80),
  siteId: z.string().min(1).max(80),
  current: z.number().int().positive(),
  /** Version → base64 of the 32-byte key. */
  dataKeys: z.record(z.string().regex(/^\d+$/), z.string().min(40).max(64)),
  /**
   * The organisation's printed recovery key, so that every desk of the site can back up under it
   * and a manager can show it again; optional (keyrings made before it, and room for more fields).
   */
  recoveryKey: z.string().max(64).optional(),
  /**
   * The organisation's online-submission key pairs (issue 15; docs/decisions/0015-online-desk.md),
   * by key id: customers' phones seal to the current one's public key. Optional, so keyrings from
   * before online submissions stay readable; older pairs stay so what was sealed to them opens.
   */
  submission: z
    .object({
      current: z.string().min(1).max(64),
      keys: z.record(z.string().min(1).max(64), z.object({ publicRaw: z.string().min(80).max(96), privatePkcs8: z.string().min(40).max(400), createdAt: z.number().int() })),
    })
    .optional(),
});
export type Keyring = z.infer<typeof keyringSchema>;

export const deskIdentitySchema = z.object({
  format: z.literal(1),
  /** Ed25519: public key raw (32 bytes, base64, as on the wire), private key PKCS#8 DER in base64. */
  signPublic: z.string(),
  signPrivate: z.string(),
  /** X25519, likewise. */
  boxPublic: z.string(),
  boxPrivate: z.string(),
});
export type DeskIdentity = z.infer<typeof deskIdentitySchema>;

/** The public half of a desk, as the server relays it and a peer verifies it. */
export interface DeskPublic {
  deskId: string;
  signPublic: string;
  boxPublic: string;
}

// ---------------------------------------------------------------- AES-256-GCM primitives

/** iv ‖ ciphertext ‖ tag. */
export function aeadSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  if (key.length !== DATA_KEY_BYTES) throw new KeyringError('malformed', 'an AES-256 key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Throws when the tag does not verify (wrong key, tampered ciphertext or AAD). */
export function aeadOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new KeyringError('malformed', 'sealed data is too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

function hkdf(secret: Buffer, salt: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, salt, `intake-desk/${label}`, 32));
}

// ---------------------------------------------------------------- the keyring

export function createKeyring(orgId: string, siteId: string): Keyring {
  return { format: 1, orgId, siteId, current: 1, dataKeys: { '1': randomBytes(DATA_KEY_BYTES).toString('base64') } };
}

/** A new current version; every older version stays, so ops sealed under it stay readable. */
export function rotateKeyring(keyring: Keyring): Keyring {
  const next = keyring.current + 1;
  return { ...keyring, current: next, dataKeys: { ...keyring.dataKeys, [String(next)]: randomBytes(DATA_KEY_BYTES).toString('base64') } };
}

/**
 * Two copies of the site's keyring as one: every data key and submission key pair of either; the
 * later current of each; any other optional field this copy lacks is taken from theirs.
 */
export function mergeKeyrings(mine: Keyring, theirs: Keyring): Keyring {
  const merged: Keyring = { ...theirs, ...mine, current: Math.max(mine.current, theirs.current), dataKeys: { ...theirs.dataKeys, ...mine.dataKeys } };
  // The newer version's recovery key is the organisation's current one.
  if (theirs.current > mine.current && theirs.recoveryKey) merged.recoveryKey = theirs.recoveryKey;
  const a = mine.submission;
  const b = theirs.submission;
  if (a || b) {
    const keys = { ...b?.keys, ...a?.keys };
    const newest = [a, b].filter((s): s is NonNullable<typeof s> => s !== undefined).map((s) => ({ kid: s.current, at: keys[s.current]?.createdAt ?? 0 }));
    newest.sort((x, y) => y.at - x.at || (x.kid < y.kid ? -1 : 1));
    merged.submission = { current: newest[0]?.kid ?? '', keys };
  }
  return merged;
}

export function dataKey(keyring: Keyring, version: number): Buffer {
  const text = keyring.dataKeys[String(version)];
  if (!text) throw new KeyringError('unknown_key_version', `no data key of version ${version}`);
  return Buffer.from(text, 'base64');
}

// ---------------------------------------------------------------- desk identity

const der = (key: KeyObject, kind: 'public' | 'private'): string => (kind === 'public' ? rawPublicKey(key) : key.export({ type: 'pkcs8', format: 'der' }).toString('base64'));

export function createDeskIdentity(): DeskIdentity {
  const signing = generateKeyPairSync('ed25519');
  const box = generateKeyPairSync('x25519');
  return {
    format: 1,
    signPublic: der(signing.publicKey, 'public'),
    signPrivate: der(signing.privateKey, 'private'),
    boxPublic: der(box.publicKey, 'public'),
    boxPrivate: der(box.privateKey, 'private'),
  };
}

const publicKeyCache = new Map<string, KeyObject>();
/** A public key from its raw 32 bytes (base64). */
export function publicKeyOf(base64: string, curve: 'Ed25519' | 'X25519' = 'Ed25519'): KeyObject {
  const cacheKey = `${curve}:${base64}`;
  let key = publicKeyCache.get(cacheKey);
  if (!key) {
    key = publicKeyFromRaw(base64, curve);
    if (publicKeyCache.size > 1000) publicKeyCache.clear();
    publicKeyCache.set(cacheKey, key);
  }
  return key;
}

export function privateKeyOf(base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
}

export function signWith(privateKey: KeyObject, message: Buffer): Buffer {
  return sign(null, message, privateKey);
}

export function verifyWith(publicKeyBase64: string, message: Buffer, signature: Buffer): boolean {
  try {
    return verify(null, message, publicKeyOf(publicKeyBase64), signature);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- sealing on this desk

/**
 * Seal a secret for storage on this desk under `sealKey` (derived from the database key), bound to
 * its purpose so a sealed identity cannot be passed off as a sealed keyring.
 */
export function sealLocal(sealKey: Buffer, purpose: string, value: unknown): string {
  return aeadSeal(sealKey, Buffer.from(JSON.stringify(value), 'utf8'), Buffer.from(`intake-desk/local/${purpose}`)).toString('base64');
}

export function openLocal<T>(sealKey: Buffer, purpose: string, sealed: string, schema: z.ZodType<T>): T {
  let plain: Buffer;
  try {
    plain = aeadOpen(sealKey, Buffer.from(sealed, 'base64'), Buffer.from(`intake-desk/local/${purpose}`));
  } catch {
    throw new KeyringError('unwrap_failed', `the sealed ${purpose} does not open with this desk's key`);
  }
  return schema.parse(JSON.parse(plain.toString('utf8')));
}

// ---------------------------------------------------------------- wrapping for another desk

export const WRAP_ALGORITHM = 'x25519x2-hkdf-sha256-aes256gcm-v1';

/** The keyring sealed for one desk, as the server relays it (shared/api/sync-contract.ts `wrappedKeySchema`). */
export interface WrappedKeyring {
  recipientDeskId: string;
  keyVersion: number;
  wrappedBy: string;
  algorithm: string;
  ephemeralPublicKey?: string | undefined;
  nonce: string;
  ciphertext: string;
}

/**
 * Both the ephemeral key and the sender's static box key take part (ECDH twice), so only the
 * recipient can open it and only the sender — whose keys both screens confirmed with the short
 * authentication string — can have made it.
 */
function wrapKey(ephemeralShared: Buffer, staticShared: Buffer, ephemeral: string, recipient: string, sender: string): Buffer {
  return hkdf(Buffer.concat([ephemeralShared, staticShared]), Buffer.from(`${ephemeral}|${recipient}|${sender}`), 'wrap/v2');
}

function wrapAad(recipientDeskId: string, wrappedBy: string, keyVersion: number): Buffer {
  return Buffer.from(`intake-desk/wrap/v2\n${recipientDeskId}\n${wrappedBy}\n${keyVersion}`);
}

export function wrapKeyringFor(keyring: Keyring, recipient: DeskPublic, sender: { deskId: string; identity: DeskIdentity }): WrappedKeyring {
  const eph = generateKeyPairSync('x25519');
  const ephemeral = rawPublicKey(eph.publicKey);
  const recipientKey = publicKeyOf(recipient.boxPublic, 'X25519');
  const key = wrapKey(
    diffieHellman({ privateKey: eph.privateKey, publicKey: recipientKey }),
    diffieHellman({ privateKey: privateKeyOf(sender.identity.boxPrivate), publicKey: recipientKey }),
    ephemeral,
    recipient.boxPublic,
    sender.identity.boxPublic,
  );
  const sealed = aeadSeal(key, Buffer.from(JSON.stringify(keyring), 'utf8'), wrapAad(recipient.deskId, sender.deskId, keyring.current));
  return {
    recipientDeskId: recipient.deskId,
    keyVersion: keyring.current,
    wrappedBy: sender.deskId,
    algorithm: WRAP_ALGORITHM,
    ephemeralPublicKey: ephemeral,
    nonce: sealed.subarray(0, IV_BYTES).toString('base64'),
    ciphertext: sealed.subarray(IV_BYTES).toString('base64'),
  };
}

/** Unwrap on the recipient desk; `senderBoxPublic` is the wrapping desk's X25519 key. */
export function unwrapKeyring(wrapped: WrappedKeyring, me: { deskId: string; identity: DeskIdentity }, senderBoxPublic: string): Keyring {
  if (wrapped.algorithm !== WRAP_ALGORITHM || !wrapped.ephemeralPublicKey || wrapped.recipientDeskId !== me.deskId) {
    throw new KeyringError('unwrap_failed', 'the wrapped keyring is not for this desk');
  }
  try {
    const mine = privateKeyOf(me.identity.boxPrivate);
    const key = wrapKey(
      diffieHellman({ privateKey: mine, publicKey: publicKeyOf(wrapped.ephemeralPublicKey, 'X25519') }),
      diffieHellman({ privateKey: mine, publicKey: publicKeyOf(senderBoxPublic, 'X25519') }),
      wrapped.ephemeralPublicKey,
      me.identity.boxPublic,
      senderBoxPublic,
    );
    const sealed = Buffer.concat([Buffer.from(wrapped.nonce, 'base64'), Buffer.from(wrapped.ciphertext, 'base64')]);
    return keyringSchema.parse(JSON.parse(aeadOpen(key, sealed, wrapAad(me.deskId, wrapped.wrappedBy, wrapped.keyVersion)).toString('utf8')));
  } catch {
    throw new KeyringError('unwrap_failed', 'the wrapped keyring does not open: it was not made by the enrolling desk for this desk');
  }
}

// ---------------------------------------------------------------- pairing

/**
 * The 6-digit short authentication string both screens show at pairing. It commits to the new
 * desk's two public keys and the enrolling desk's two: a server that swapped any of them
 * would make the two screens disagree (a 1 in 10^6 chance to go unnoticed).
 */
export function shortAuthString(newDesk: DeskPublic, enroller: DeskPublic): string {
  const digest = createHash('sha256')
    .update(`intake-desk/sas/v1\n${newDesk.deskId}\n${newDesk.signPublic}\n${newDesk.boxPublic}\n${enroller.deskId}\n${enroller.signPublic}\n${enroller.boxPublic}`)
    .digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

// ---------------------------------------------------------------- recovery

/**
 * The organisation's printed recovery key (electron/core/backup/recovery-key.ts, the same key that
 * unwraps the backup key) stands for a *recovery desk* of each site: an Ed25519 and an X25519 key
 * pair derived from it, enrolled and approved like any desk. The keyring is wrapped for it like for
 * any desk, so the server holds a copy that only the printed key opens, kept current by every
 * rotation. With the printed key alone a new machine signs in as the recovery desk, opens that copy
 * and approves itself (docs/decisions/0018-one-recovery-key.md).
 */
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

export function recoveryDesk(recoveryKey: string): { deskId: string; identity: DeskIdentity } {
  const secret = parseRecoveryKey(recoveryKey);
  if (!secret) throw new KeyringError('bad_recovery_key', 'the recovery key must be 32 letters and digits (groups of four, as printed)');
  const seed = (label: string): Buffer => hkdf(secret, Buffer.alloc(0), `recovery-desk/${label}/v1`);
  const signPrivate = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed('sign')]), format: 'der', type: 'pkcs8' });
  const boxPrivate = createPrivateKey({ key: Buffer.concat([X25519_PKCS8, seed('box')]), format: 'der', type: 'pkcs8' });
  const identity: DeskIdentity = {
    format: 1,
    signPublic: rawPublicKey(createPublicKey(signPrivate)),
    signPrivate: der(signPrivate, 'private'),
    boxPublic: rawPublicKey(createPublicKey(boxPrivate)),
    boxPrivate: der(boxPrivate, 'private'),
  };
  return { deskId: `recovery-${seed('id').subarray(0, 10).toString('hex')}`, identity };
}

/** Whether a desk id is a recovery desk's (never revoked by hand; replaced when the key is rotated). */
export function isRecoveryDeskId(deskId: string): boolean {
  return /^recovery-[0-9a-f]{20}$/.test(deskId);
}
