/**
 * The organisation's recovery key: 160 random bits shown once at first-run setup, to be printed or
 * written down, and never stored on the desk. It wraps (AES-256-GCM) the backup key each archive is
 * encrypted with, so a backup restores on a new machine with the printed key and nothing else
 * (docs/decisions/0009-backups.md). Written as 32 Crockford base32 characters in groups of four;
 * typing is forgiving (case, spaces, dashes, O for 0, I/L for 1).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_BYTES = 20;
const KEY_CHARS = 32;

export function encodeRecoveryKey(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{1,4}/g)?.join('-') ?? out;
}

export function generateRecoveryKey(random: (size: number) => Buffer = randomBytes): string {
  return encodeRecoveryKey(random(KEY_BYTES));
}

/** The key's 20 bytes, or null when the text is not a recovery key (wrong length or characters). */
export function parseRecoveryKey(text: string): Buffer | null {
  const normalised = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (normalised.length !== KEY_CHARS) return null;
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of normalised) {
    const digit = ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function wrappingKey(recoveryKey: Buffer, organisationId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', recoveryKey, Buffer.from(organisationId, 'utf8'), Buffer.from('intake-desk backup key wrap v1', 'utf8'), 32));
}

/** The backup key sealed under the recovery key: base64 of iv (12) | ciphertext (32) | tag (16). */
export function wrapBackupKey(backupKey: Buffer, recoveryKey: Buffer, organisationId: string, keyId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(recoveryKey, organisationId), iv);
  cipher.setAAD(Buffer.from(`${organisationId}\n${keyId}`, 'utf8'));
  const sealed = Buffer.concat([cipher.update(backupKey), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64');
}

/** The backup key, or null when this recovery key does not open it. */
export function unwrapBackupKey(wrapped: string, recoveryKey: Buffer, organisationId: string, keyId: string): Buffer | null {
  const raw = Buffer.from(wrapped, 'base64');
  if (raw.length !== 12 + 32 + 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', wrappingKey(recoveryKey, organisationId), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${organisationId}\n${keyId}`, 'utf8'));
    decipher.setAuthTag(raw.subarray(44));
    return Buffer.concat([decipher.update(raw.subarray(12, 44)), decipher.final()]);
  } catch {
    return null;
  }
}
