/**
 * The sealed envelope of an online submission (docs/decisions/0014-online-submissions.md).
 *
 * The customer's phone seals the submission to the organisation's submission public key, so the
 * central server only ever holds ciphertext: ECDH P-256 with a fresh ephemeral key per submission,
 * HKDF-SHA-256 (salt = the ephemeral public key, info = `intake-desk submission v1|<site code>`) to an
 * AES-256-GCM key, the site code as additional data. WebCrypto only, so the same code runs in every
 * current mobile browser (the page) and in Node 20 (the desk, the tests).
 */
import { z } from 'zod';

export const SUBMISSION_ENVELOPE_VERSION = 1;
const INFO_PREFIX = 'intake-desk submission v1|';

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

export const submissionEnvelopeSchema = z.object({
  v: z.literal(SUBMISSION_ENVELOPE_VERSION),
  /** Id of the organisation's submission key pair the page sealed to. */
  kid: z.string().min(1).max(64),
  /** Ephemeral public key, raw uncompressed P-256 point (65 bytes). */
  epk: b64url.min(80).max(96),
  /** 12-byte AES-GCM nonce. */
  iv: b64url.length(16),
  /** Ciphertext with the 16-byte tag appended (WebCrypto's layout). At most 64 KiB of plaintext. */
  ct: b64url.min(22).max(90_000),
});
export type SubmissionEnvelope = z.infer<typeof submissionEnvelopeSchema>;

export class EnvelopeError extends Error {
  constructor(
    readonly code: 'malformed' | 'wrong_key' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const utf8 = new TextEncoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A new submission key pair (on the desk that sets up online submissions). */
export async function generateSubmissionKeyPair(): Promise<{ publicRaw: string; privatePkcs8: string }> {
  const pair = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const publicRaw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const privatePkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  return { publicRaw: toBase64Url(publicRaw), privatePkcs8: toBase64Url(privatePkcs8) };
}

async function aesKey(sharedBits: ArrayBuffer, epk: Uint8Array<ArrayBuffer>, siteCode: string, usage: KeyUsage): Promise<CryptoKey> {
  const ikm = await subtle().importKey('raw', sharedBits, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: epk, info: utf8.encode(INFO_PREFIX + siteCode) },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

/** Seal `plaintext` (the submission's JSON) to the submission public key `publicRaw` (base64url). */
export async function sealSubmission(kid: string, publicRaw: string, siteCode: string, plaintext: string): Promise<SubmissionEnvelope> {
  const recipient = await subtle().importKey('raw', fromBase64Url(publicRaw), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ephemeral = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const epk = new Uint8Array(await subtle().exportKey('raw', ephemeral.publicKey));
  const shared = await subtle().deriveBits({ name: 'ECDH', public: recipient }, ephemeral.privateKey, 256);
  const key = await aesKey(shared, epk, siteCode, 'encrypt');
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(siteCode) }, key, utf8.encode(plaintext)));
  return { v: SUBMISSION_ENVELOPE_VERSION, kid, epk: toBase64Url(epk), iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

/** Open an envelope with the submission private key (PKCS#8, base64url). Throws EnvelopeError. */
export async function openSubmission(privatePkcs8: string, siteCode: string, envelope: unknown): Promise<string> {
  const parsed = submissionEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw new EnvelopeError('malformed', 'The submission envelope is malformed.');
  const { epk, iv, ct } = parsed.data;
  let shared: ArrayBuffer;
  let epkBytes: Uint8Array<ArrayBuffer>;
  try {
    const privateKey = await subtle().importKey('pkcs8', fromBase64Url(privatePkcs8), { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    epkBytes = fromBase64Url(epk);
    const ephemeral = await subtle().importKey('raw', epkBytes, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    shared = await subtle().deriveBits({ name: 'ECDH', public: ephemeral }, privateKey, 256);
  } catch {
    throw new EnvelopeError('malformed', 'The submission envelope carries no valid key.');
  }
  const key = await aesKey(shared, epkBytes, siteCode, 'decrypt');
  try {
    const plain = await subtle().decrypt({ name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: utf8.encode(siteCode) }, key, fromBase64Url(ct));
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new EnvelopeError('tampered', 'The submission cannot be opened: it was altered, or sealed to another key or site.');
  }
}
