/**
 * The backup archive (docs/decisions/0009-backups.md). One file:
 *
 *   "IDBK" | format u8 | header length u32be | header JSON | ciphertext | GCM tag (16) | SHA-256 (32)
 *
 * The header holds no personal data: organisation and desk identity, when, which backup key, that
 * key wrapped by the recovery key, and record counts. The ciphertext is AES-256-GCM under the
 * backup key (the header is its additional data) over the payload:
 *
 *   manifest length u32be | manifest JSON | database snapshot | attachment files, in manifest order
 *
 * The database snapshot is itself a SQLCipher file; the manifest carries its key. The attachment
 * section is empty until the attachment store exists. The trailing SHA-256 covers every byte before
 * it, so a damaged file is told apart from a wrong recovery key before any key is tried.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ARCHIVE_MAGIC = Buffer.from('IDBK', 'ascii');
export const ARCHIVE_FORMAT = 1;
export const ARCHIVE_EXTENSION = '.idbk';
const PREFIX_BYTES = 9;
const TAG_BYTES = 16;
const CHECKSUM_BYTES = 32;

export interface ArchiveCounts {
  customers: number;
  intakes: number;
  ops: number;
  attachments: number;
}

export interface ArchiveHeader {
  format: number;
  organisationId: string;
  organisationName: string;
  deviceId: string;
  deskName: string | null;
  createdAt: number;
  appVersion: string;
  schemaVersion: number;
  keyId: string;
  wrappedKey: string;
  iv: string;
  payloadBytes: number;
  counts: ArchiveCounts;
}

export interface ArchiveManifest {
  dbKeyHex: string;
  dbBytes: number;
  attachments: Array<{ name: string; bytes: number }>;
}

export type BackupErrorCode =
  | 'not_a_backup'
  | 'unsupported_version'
  | 'truncated'
  | 'damaged'
  | 'malformed_recovery_key'
  | 'wrong_recovery_key'
  | 'other_organisation'
  | 'would_lose_data'
  | 'no_recovery_key'
  | 'no_backup_folder'
  | 'no_backup'
  | 'target_not_empty'
  | 'keychain_only'
  | 'disk_full'
  | 'folder_unwritable'
  | 'folder_missing'
  | 'io_error'
  | 'database_damaged'
  | 'database_busy'
  | 'failed';

/** Every refusal names what is wrong in words a manager can act on. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface ArchiveSource {
  dbFile: string;
  dbKeyHex: string;
  attachments: Array<{ name: string; file: string }>;
}

/** Write an archive to `out` (through `out.partial`, renamed when complete and synced to disk). */
/** How much of an archive is written before it is flushed to the disk (see writeArchive). */
const SYNC_EVERY_BYTES = 1024 * 1024;

export async function writeArchive(
  out: string,
  header: Omit<ArchiveHeader, 'format' | 'iv' | 'payloadBytes'>,
  backupKey: Buffer,
  source: ArchiveSource,
): Promise<{ bytes: number; sha256: string }> {
  const files = [{ file: source.dbFile, bytes: fs.statSync(source.dbFile).size }, ...source.attachments.map((each) => ({ file: each.file, bytes: fs.statSync(each.file).size }))];
  const manifest: ArchiveManifest = {
    dbKeyHex: source.dbKeyHex,
    dbBytes: files[0]?.bytes ?? 0,
    attachments: source.attachments.map((each, index) => ({ name: each.name, bytes: files[index + 1]?.bytes ?? 0 })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const lengthBytes = Buffer.alloc(4);
  lengthBytes.writeUInt32BE(manifestBytes.length);
  const iv = randomBytes(12);
  const payloadBytes = 4 + manifestBytes.length + files.reduce((sum, each) => sum + each.bytes, 0);
  const full: ArchiveHeader = { ...header, format: ARCHIVE_FORMAT, iv: iv.toString('base64'), payloadBytes };
  const headerBytes = Buffer.from(JSON.stringify(full), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  ARCHIVE_MAGIC.copy(prefix, 0);
  prefix.writeUInt8(ARCHIVE_FORMAT, 4);
  prefix.writeUInt32BE(headerBytes.length, 5);

  const partial = `${out}.partial`;
  const handle = await fs.promises.open(partial, 'w', 0o600);
  const hash = createHash('sha256');
  let written = 0;
  let unsynced = 0;
  const write = async (bytes: Buffer): Promise<void> => {
    if (bytes.length === 0) return;
    hash.update(bytes);
    written += bytes.length;
    await handle.write(bytes);
    // Flushed as it goes, 1 MB at a time: hundreds of MB left for one fsync at the end (or 8 MB at a
    // time, measured) kept the disk busy long enough for a submit's own fsync to wait up to a second.
    unsynced += bytes.length;
    if (unsynced >= SYNC_EVERY_BYTES) {
      unsynced = 0;
      await handle.datasync();
    }
  };
  try {
    const aad = Buffer.concat([prefix, headerBytes]);
    await write(aad);
    const cipher = createCipheriv('aes-256-gcm', backupKey, iv);
    cipher.setAAD(aad);
    await write(cipher.update(Buffer.concat([lengthBytes, manifestBytes])));
    for (const each of files) {
      let read = 0;
      for await (const chunk of fs.createReadStream(each.file, { highWaterMark: 1024 * 1024 })) {
        read += (chunk as Buffer).length;
        await write(cipher.update(chunk as Buffer));
      }
      if (read !== each.bytes) throw new BackupError('failed', `${path.basename(each.file)} changed while it was being backed up`);
    }
    await write(cipher.final());
    await write(cipher.getAuthTag());
    const checksum = hash.digest();
    await handle.write(checksum);
    await handle.sync();
    await handle.close();
    fs.renameSync(partial, out);
    return { bytes: written + CHECKSUM_BYTES, sha256: checksum.toString('hex') };
  } catch (error) {
    await handle.close().catch(() => undefined);
    fs.rmSync(partial, { force: true });
    throw error;
  }
}

export interface OpenedArchive {
  file: string;
  header: ArchiveHeader;
  headerEnd: number;
  size: number;
}

/** Read and check the header and the length; does not read the payload. */
export async function readArchiveHeader(file: string): Promise<OpenedArchive> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch {
    throw new BackupError('not_a_backup', `${file} cannot be read.`);
  }
  try {
    const size = (await handle.stat()).size;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    const { bytesRead } = await handle.read(prefix, 0, PREFIX_BYTES, 0);
    if (bytesRead < ARCHIVE_MAGIC.length || !prefix.subarray(0, 4).equals(ARCHIVE_MAGIC)) {
      throw new BackupError('not_a_backup', `${path.basename(file)} is not an Intake Desk backup.`);
    }
    if (bytesRead < PREFIX_BYTES) throw truncated(file);
    const format = prefix.readUInt8(4);
    if (format !== ARCHIVE_FORMAT) {
      throw new BackupError('unsupported_version', `${path.basename(file)} was written in backup format ${format}; this version of Intake Desk reads format ${ARCHIVE_FORMAT}. Install the newer version.`);
    }
    const headerLength = prefix.readUInt32BE(5);
    if (size < PREFIX_BYTES + headerLength) throw truncated(file);
    const headerBytes = Buffer.alloc(headerLength);
    await handle.read(headerBytes, 0, headerLength, PREFIX_BYTES);
    let header: ArchiveHeader;
    try {
      header = JSON.parse(headerBytes.toString('utf8')) as ArchiveHeader;
    } catch {
      throw damaged(file);
    }
    if (typeof header.payloadBytes !== 'number' || typeof header.organisationId !== 'string' || typeof header.wrappedKey !== 'string') throw damaged(file);
    const headerEnd = PREFIX_BYTES + headerLength;
    const expected = headerEnd + header.payloadBytes + TAG_BYTES + CHECKSUM_BYTES;
    if (size < expected) throw truncated(file, { expectedBytes: expected, actualBytes: size });
    if (size > expected) throw damaged(file);
    return { file, header, headerEnd, size };
  } finally {
    await handle.close();
  }
}

/** Recompute the trailing SHA-256; a flipped byte anywhere is refused here. */
export async function verifyArchiveChecksum(archive: OpenedArchive): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(archive.file, { start: 0, end: archive.size - CHECKSUM_BYTES - 1, highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  const stored = Buffer.alloc(CHECKSUM_BYTES);
  const handle = await fs.promises.open(archive.file, 'r');
  try {
    await handle.read(stored, 0, CHECKSUM_BYTES, archive.size - CHECKSUM_BYTES);
  } finally {
    await handle.close();
  }
  const actual = hash.digest();
  if (!actual.equals(stored)) throw damaged(archive.file);
  return actual.toString('hex');
}

export interface ExtractedArchive {
  dbFile: string;
  dbKeyHex: string;
  attachments: string[];
}

/**
 * Decrypt the payload into `destDir`: the database snapshot as `dbName` and attachments under
 * `attachments/`. Nothing is trusted until the GCM tag checks out; on failure the files are removed.
 */
export async function extractArchive(archive: OpenedArchive, backupKey: Buffer, destDir: string, dbName: string): Promise<ExtractedArchive> {
  const prefixAndHeader = Buffer.alloc(archive.headerEnd);
  const tag = Buffer.alloc(TAG_BYTES);
  const handle = await fs.promises.open(archive.file, 'r');
  try {
    await handle.read(prefixAndHeader, 0, archive.headerEnd, 0);
    await handle.read(tag, 0, TAG_BYTES, archive.headerEnd + archive.header.payloadBytes);
  } finally {
    await handle.close();
  }
  const decipher = createDecipheriv('aes-256-gcm', backupKey, Buffer.from(archive.header.iv, 'base64'));
  decipher.setAAD(prefixAndHeader);
  decipher.setAuthTag(tag);

  const dbFile = path.join(destDir, dbName);
  const written: string[] = [];
  let pending = Buffer.alloc(0);
  let manifest: ArchiveManifest | undefined;
  // Where plaintext goes next: the db file, then each attachment in turn.
  let targets: Array<{ file: string; bytes: number }> = [];
  let current: { handle: fs.promises.FileHandle; left: number } | undefined;

  const openNext = async (): Promise<void> => {
    const next = targets.shift();
    if (!next) return;
    fs.mkdirSync(path.dirname(next.file), { recursive: true, mode: 0o700 });
    written.push(next.file);
    current = { handle: await fs.promises.open(next.file, 'w', 0o600), left: next.bytes };
    if (next.bytes === 0) await closeCurrent();
  };
  const closeCurrent = async (): Promise<void> => {
    if (!current) return;
    await current.handle.sync();
    await current.handle.close();
    current = undefined;
    await openNext();
  };
  const route = async (bytes: Buffer): Promise<void> => {
    let rest = bytes;
    if (!manifest) {
      pending = Buffer.concat([pending, rest]);
      if (pending.length < 4) return;
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) return;
      try {
        manifest = JSON.parse(pending.subarray(4, 4 + length).toString('utf8')) as ArchiveManifest;
      } catch {
        throw damaged(archive.file);
      }
      targets = [{ file: dbFile, bytes: manifest.dbBytes }, ...manifest.attachments.map((each) => ({ file: attachmentPath(destDir, each.name, archive.file), bytes: each.bytes }))];
      rest = pending.subarray(4 + length);
      pending = Buffer.alloc(0);
      await openNext();
    }
    while (rest.length > 0) {
      if (!current) throw damaged(archive.file);
      const take = Math.min(current.left, rest.length);
      await current.handle.write(rest.subarray(0, take));
      current.left -= take;
      rest = rest.subarray(take);
      if (current.left === 0) await closeCurrent();
    }
  };

  try {
    const stream = fs.createReadStream(archive.file, { start: archive.headerEnd, end: archive.headerEnd + archive.header.payloadBytes - 1, highWaterMark: 1024 * 1024 });
    for await (const chunk of stream) await route(decipher.update(chunk as Buffer));
    let final: Buffer;
    try {
      final = decipher.final();
    } catch {
      throw damaged(archive.file);
    }
    await route(final);
    if (!manifest || current || targets.length > 0) throw damaged(archive.file);
    return { dbFile, dbKeyHex: manifest.dbKeyHex, attachments: written.slice(1) };
  } catch (error) {
    if (current) await current.handle.close().catch(() => undefined);
    for (const file of written) fs.rmSync(file, { force: true });
    throw error;
  }
}

function attachmentPath(destDir: string, name: string, file: string): string {
  const root = path.join(destDir, 'attachments');
  const target = path.resolve(root, name);
  if (!target.startsWith(root + path.sep)) throw damaged(file);
  return target;
}

function truncated(file: string, details: Record<string, number> = {}): BackupError {
  return new BackupError('truncated', `${path.basename(file)} is incomplete (cut short while it was copied or written); use another backup.`, details);
}

function damaged(file: string): BackupError {
  return new BackupError('damaged', `${path.basename(file)} is damaged: its checksum does not match, so it was changed after it was written; use another backup.`);
}
