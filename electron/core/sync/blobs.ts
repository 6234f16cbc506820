/**
 * Scans travel with sync (issue 13 item 3): an attachment this desk stored is sealed under the
 * site's data key (the key ops are sealed with; the server never holds it) and pushed to the server
 * in pieces, addressed by site and the attachment's id. A desk that did not store it pulls the
 * pieces, opens them and keeps the scan in its own store under the same id (ops name it by that id).
 *
 * Blob format: "IDB1" | 4-byte big-endian data-key version | AES-256-GCM(iv ‖ ciphertext ‖ tag) of
 * (4-byte header length | JSON { type, pages } | content), with
 * `intake-desk/blob/v1 | site | blob id | key version` as additional data, so a blob moved to
 * another id or site does not open.
 */
import { SYNC_LIMITS } from '../../../shared/api/sync-contract';
import { SCAN_TYPES, type ScanType } from '../attachments/scan-files';
import type { AttachmentStore } from '../attachments/attachment-store';
import { aeadOpen, aeadSeal, dataKey, type Keyring } from './keyring';
import type { SyncClient } from './sync-client';
import { SyncError } from './sync-client';

const MAGIC = Buffer.from('IDB1', 'ascii');

const aad = (siteId: string, blobId: string, keyVersion: number): Buffer => Buffer.from(['intake-desk/blob/v1', siteId, blobId, String(keyVersion)].join('|'), 'utf8');

export function sealBlob(keyring: Keyring, siteId: string, blobId: string, attachment: { type: ScanType; pages: number; bytes: Buffer }): Buffer {
  const header = Buffer.from(JSON.stringify({ type: attachment.type, pages: attachment.pages }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const version = Buffer.alloc(4);
  version.writeUInt32BE(keyring.current);
  return Buffer.concat([MAGIC, version, aeadSeal(dataKey(keyring, keyring.current), Buffer.concat([length, header, attachment.bytes]), aad(siteId, blobId, keyring.current))]);
}

export function openBlob(keyring: Keyring, siteId: string, blobId: string, sealed: Buffer): { type: ScanType; pages: number; bytes: Buffer } {
  if (sealed.length < 8 || !sealed.subarray(0, 4).equals(MAGIC)) throw new Error('not a sealed blob');
  const keyVersion = sealed.readUInt32BE(4);
  const plain = aeadOpen(dataKey(keyring, keyVersion), sealed.subarray(8), aad(siteId, blobId, keyVersion));
  const headerLength = plain.readUInt32BE(0);
  const header = JSON.parse(plain.subarray(4, 4 + headerLength).toString('utf8')) as { type: string; pages: number };
  if (!(SCAN_TYPES as readonly string[]).includes(header.type) || !Number.isInteger(header.pages) || header.pages < 1) throw new Error('the blob header is not a scan');
  return { type: header.type as ScanType, pages: header.pages, bytes: plain.subarray(4 + headerLength) };
}

/** Sends one attachment, piece by piece (pieces the server already holds are accepted again as no-ops). */
export async function pushBlob(client: SyncClient, keyring: Keyring, siteId: string, store: AttachmentStore, id: string): Promise<void> {
  const attachment = store.get(id);
  const sealed = sealBlob(keyring, siteId, id, attachment);
  const count = Math.ceil(sealed.length / SYNC_LIMITS.blobChunkBytes);
  if (count > SYNC_LIMITS.blobChunks) throw new Error('the attachment is too large to ship');
  for (let index = 0; index < count; index += 1) {
    const data = sealed.subarray(index * SYNC_LIMITS.blobChunkBytes, (index + 1) * SYNC_LIMITS.blobChunkBytes).toString('base64');
    await client.call('putBlob', { blobId: id, index, count, data });
  }
}

/** Fetches, opens and stores an attachment another desk pushed; false when the server does not hold it (yet). */
export async function pullBlob(client: SyncClient, keyring: Keyring, siteId: string, store: AttachmentStore, id: string): Promise<boolean> {
  const pieces: Buffer[] = [];
  let count = 1;
  for (let index = 0; index < count; index += 1) {
    try {
      const piece = await client.call('getBlob', undefined, { blobId: id, index: String(index) });
      count = piece.count;
      pieces.push(Buffer.from(piece.data, 'base64'));
    } catch (error) {
      if (error instanceof SyncError && error.code === 'blob_missing') return false;
      throw error;
    }
  }
  const opened = openBlob(keyring, siteId, id, Buffer.concat(pieces));
  store.putForeign(id, opened.bytes, { type: opened.type, pages: opened.pages });
  return true;
}
