/**
 * The sealed envelope of an online submission (docs/decisions/0014-online-submissions.md).
 *
 * The customer's phone seals the submission to the organisation's submission public key, so the
 * central server only ever holds ciphertext: ECDH P-256 with a fresh ephemeral key per submission,
 * HKDF-SHA-256 (salt = the ephemeral public key, info = `intake-desk submission v1|<site code>`) to an
 * AES-256-GCM key, the site code as additional data. WebCrypto only, so the same code runs in every
 * current mobile browser (the page) and in Node 20 (the desk, the tests). Sealing lives in ./seal.ts
 * (no zod, so the page's bundle stays small); this module adds the schema and opening (desk side).
 */
import { z } from 'zod';
import { aesKey, EnvelopeError, fromBase64Url, subtle, SUBMISSION_ENVELOPE_VERSION, utf8 } from './seal';

export * from './seal';

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
