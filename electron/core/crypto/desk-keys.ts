/**
 * Keys derived from the desk's database key (the 256-bit key held by the OS keychain or the key
 * file, never stored in the database itself). Each use gets its own key through HKDF-SHA-256 with a
 * distinct label, so a key leaked from one use says nothing about the others or about the database
 * key (docs/decisions/0008-keyed-audit-chain.md).
 */
import { createHmac, hkdfSync } from 'node:crypto';

export interface DeskKeys {
  /** HMAC key of the audit chain: every entry's hash is keyed with it. */
  readonly auditChain: Buffer;
  /** HMAC key that signs the audit head kept outside the database. */
  readonly auditHead: Buffer;
  /** HMAC key for identifiers that must be recognisable but not readable in the audit log (unknown usernames). */
  readonly identifierTag: Buffer;
  /** AES-256-GCM key that seals the sync keyring and this desk's signing and box keys in the database. */
  readonly syncSeal: Buffer;
  /** AES-256-GCM key of the attachment store (scans), and the HMAC key that names its contents. */
  readonly attachments: { readonly content: Buffer; readonly address: Buffer };
}

function derive(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `intake-desk/${label}`, 32));
}

export function deriveDeskKeys(keyHex: string): DeskKeys {
  const master = Buffer.from(keyHex, 'hex');
  if (master.length !== 32) throw new Error('the desk key must be 32 bytes');
  return {
    auditChain: derive(master, 'audit-chain/v2'),
    auditHead: derive(master, 'audit-head/v1'),
    identifierTag: derive(master, 'identifier-tag/v1'),
    syncSeal: derive(master, 'sync-seal/v1'),
    attachments: { content: derive(master, 'attachments/content/v1'), address: derive(master, 'attachments/address/v1') },
  };
}

/** A stable, keyed tag of an identifier: equal inputs give equal tags, and the tag cannot be reversed without the key. */
export function tagIdentifier(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value.normalize('NFKC'), 'utf8').digest('hex').slice(0, 32);
}
