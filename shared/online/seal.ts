/**
 * Sealing an online submission (docs/decisions/0014-online-submissions.md): the half of the envelope
 * the customer's page runs. No dependency (no zod), so the page bundles only this; the envelope's
 * schema and `openSubmission` (desk side) are in ./envelope.ts, which re-exports everything here.
 *
 * ECDH P-256 with a fresh ephemeral key per submission, HKDF-SHA-256 (salt = the ephemeral public key,
 * info = `intake-desk submission v1|<site code>`) to an AES-256-GCM key, the site code as additional
 * data. WebCrypto only: every current mobile browser, and Node 20.
 */

export const SUBMISSION_ENVELOPE_VERSION = 1;
export const INFO_PREFIX = 'intake-desk submission v1|';

/** The envelope as sealed (its schema is `submissionEnvelopeSchema` in ./envelope.ts). */
export interface SealedEnvelope {
  v: typeof SUBMISSION_ENVELOPE_VERSION;
  kid: string;
  epk: string;
  iv: string;
  ct: string;
}

export class EnvelopeError extends Error {
  constructor(
    readonly code: 'malformed' | 'wrong_key' | 'tampered',
    message: string,
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
export const utf8 = new TextEncoder();

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

export async function aesKey(sharedBits: ArrayBuffer, epk: Uint8Array<ArrayBuffer>, siteCode: string, usage: KeyUsage): Promise<CryptoKey> {
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
export async function sealSubmission(kid: string, publicRaw: string, siteCode: string, plaintext: string): Promise<SealedEnvelope> {
  const recipient = await subtle().importKey('raw', fromBase64Url(publicRaw), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ephemeral = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const epk = new Uint8Array(await subtle().exportKey('raw', ephemeral.publicKey));
  const shared = await subtle().deriveBits({ name: 'ECDH', public: recipient }, ephemeral.privateKey, 256);
  const key = await aesKey(shared, epk, siteCode, 'encrypt');
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(siteCode) }, key, utf8.encode(plaintext)));
  return { v: SUBMISSION_ENVELOPE_VERSION, kid, epk: toBase64Url(epk), iv: toBase64Url(iv), ct: toBase64Url(ct) };
}

