/**
 * The encrypted, content-addressed attachment store (scans of paper forms; decision record 0009).
 * Lives in `<dataDir>/attachments/`; nothing in it is readable without the desk key:
 *
 *   attachments/<id[0..2]>/<id>.att   one file per attachment, never a plain copy anywhere
 *
 * `id` is HMAC-SHA-256(content key, plaintext) in hex: equal content gives the same id (stored
 * once), yet the id says nothing about the content to someone without the key. Each file is
 *
 *   "IDA1" | 12-byte random nonce | AES-256-GCM ciphertext | 16-byte tag
 *
 * with the id as additional data (a file renamed to another id fails to open). The plaintext is a
 * 4-byte big-endian header length, a JSON header `{ type, size, pages }`, then the content. Both
 * keys are derived from the desk key with HKDF (electron/core/crypto/desk-keys.ts). Writes go to a
 * temporary file in the same folder and are renamed into place, so a crash leaves no half file.
 *
 * API for the rest of the core (and backups): put / get / has / list / count / bytesOnDisk.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../errors';
import type { ScanType } from './scan-files';

export const ATTACHMENTS_DIR = 'attachments';
const MAGIC = Buffer.from('IDA1', 'ascii');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ID_PATTERN = /^[0-9a-f]{64}$/;

export interface AttachmentKeys {
  /** AES-256-GCM key of the contents. */
  readonly content: Buffer;
  /** HMAC key that names contents (the content address). */
  readonly address: Buffer;
}

export interface AttachmentMeta {
  type: ScanType;
  size: number;
  pages: number;
}

export interface Attachment extends AttachmentMeta {
  id: string;
  bytes: Buffer;
}

export function attachmentsDir(dataDir: string): string {
  return path.join(dataDir, ATTACHMENTS_DIR);
}

export class AttachmentStore {
  readonly root: string;

  constructor(
    dataDir: string,
    private readonly keys: AttachmentKeys,
  ) {
    this.root = attachmentsDir(dataDir);
  }

  /** The id content would get, without storing it. */
  idOf(bytes: Uint8Array): string {
    return createHmac('sha256', this.keys.address).update(bytes).digest('hex');
  }

  private fileOf(id: string): string {
    if (!ID_PATTERN.test(id)) throw new DomainError('VALIDATION', 'not an attachment id', { attachmentId: 'invalid' });
    return path.join(this.root, id.slice(0, 2), `${id}.att`);
  }

  has(id: string): boolean {
    return fs.existsSync(this.fileOf(id));
  }

  /** Stores content (already checked, see scan-files.ts) and returns its id; storing it again is a no-op. */
  put(bytes: Uint8Array, meta: Omit<AttachmentMeta, 'size'>): string {
    const id = this.idOf(bytes);
    this.seal(id, bytes, meta, false);
    return id;
  }

  /**
   * Stores content that another desk of the site named (it arrived through sync, already checked
   * there): under that desk's id, since ops refer to it by that id. Our address key cannot reproduce
   * a foreign id, so the sealed header records `foreign` and `get` relies on the GCM tag (which binds
   * the id) instead of re-deriving the address.
   */
  putForeign(id: string, bytes: Uint8Array, meta: Omit<AttachmentMeta, 'size'>): void {
    if (!ID_PATTERN.test(id)) throw new DomainError('VALIDATION', 'not an attachment id', { attachmentId: 'invalid' });
    this.seal(id, bytes, meta, this.idOf(bytes) !== id);
  }

  private seal(id: string, bytes: Uint8Array, meta: Omit<AttachmentMeta, 'size'>, foreign: boolean): void {
    const file = this.fileOf(id);
    if (fs.existsSync(file)) return;
    const header = Buffer.from(JSON.stringify({ type: meta.type, size: bytes.byteLength, pages: meta.pages, ...(foreign ? { foreign: true } : {}) }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.content, nonce);
    cipher.setAAD(Buffer.from(id, 'ascii'));
    const body = Buffer.concat([cipher.update(length), cipher.update(header), cipher.update(bytes), cipher.final()]);
    const sealed = Buffer.concat([MAGIC, nonce, body, cipher.getAuthTag()]);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeSync(fd, sealed);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  }

  /** Opens an attachment; refuses one that is missing, altered, or stored under another id. */
  get(id: string): Attachment {
    const file = this.fileOf(id);
    if (!fs.existsSync(file)) throw new DomainError('NOT_FOUND', 'no such attachment');
    const sealed = fs.readFileSync(file);
    if (sealed.length < MAGIC.length + NONCE_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`attachment ${id.slice(0, 8)}… is not an attachment file`);
    const nonce = sealed.subarray(MAGIC.length, MAGIC.length + NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.keys.content, nonce);
    decipher.setAAD(Buffer.from(id, 'ascii'));
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`attachment ${id.slice(0, 8)}… fails its integrity check (altered, or another desk's key)`);
    }
    const headerLength = plain.readUInt32BE(0);
    const { foreign, ...meta } = JSON.parse(plain.subarray(4, 4 + headerLength).toString('utf8')) as AttachmentMeta & { foreign?: boolean };
    const bytes = plain.subarray(4 + headerLength);
    if (!foreign && !timingSafeEqual(Buffer.from(this.idOf(bytes), 'hex'), Buffer.from(id, 'hex'))) throw new Error(`attachment ${id.slice(0, 8)}… does not match its address`);
    return { id, ...meta, bytes };
  }

  /** Every stored id, sorted (backups copy these files as they are: they stay encrypted). */
  list(): string[] {
    if (!fs.existsSync(this.root)) return [];
    const ids: string[] = [];
    for (const shard of fs.readdirSync(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of fs.readdirSync(path.join(this.root, shard))) {
        const id = name.endsWith('.att') ? name.slice(0, -4) : '';
        if (ID_PATTERN.test(id) && id.startsWith(shard)) ids.push(id);
      }
    }
    return ids.sort();
  }

  count(): number {
    return this.list().length;
  }

  /** Path of an attachment's sealed file, relative to the data folder (for backups). */
  relativePath(id: string): string {
    return path.relative(path.dirname(this.root), this.fileOf(id));
  }

  bytesOnDisk(): number {
    return this.list().reduce((sum, id) => sum + fs.statSync(this.fileOf(id)).size, 0);
  }
}
