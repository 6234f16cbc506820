/**
 * Backup, restore and drill over a data folder. Used by the CLI commands, by the core's backup
 * thread and by the recovery screen; none of it needs the core worker, so it works while a desk
 * runs (a snapshot is a reader of the WAL database) and when its database cannot be opened.
 *
 * The snapshot is `VACUUM INTO` from a separate connection: a consistent copy of the database as of
 * one committed transaction, encrypted with the same SQLCipher key. SQLite's online backup API is
 * not usable here: SQLite3 Multiple Ciphers refuses a backup from an encrypted database into a target
 * without a codec, and better-sqlite3's `backup()` cannot give its target one
 * (docs/decisions/0009-backups.md).
 */
import { AuditHeadFile } from '../audit/audit-log';
import { deriveDeskKeys } from '../crypto/desk-keys';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isValidKeyHex, KEY_FILE, SAFE_STORAGE_KEY_FILE } from '../db/key-file';
import { openDatabase, type Db } from '../db/connection';
import { assertNotTooNew, currentVersion } from '../db/migrations';
import { databasePath, DATABASE_FILE } from '../paths';
import { attachmentsDir } from '../attachments/attachment-store';
import { ARCHIVE_EXTENSION, BackupError, extractArchive, readArchiveHeader, verifyArchiveChecksum, writeArchive, type ArchiveCounts, type ArchiveHeader, type OpenedArchive } from './archive';
import { MetaRepo } from '../db/meta-repo';
import { IDENTITY, PREVIOUS_DEVICE, PREVIOUS_IDENTITY, REJOIN } from '../sync/sync-store';
import { RESTORED_FROM, backupIdentity, organisationId } from './keyring';
import { parseRecoveryKey, unwrapBackupKey } from './recovery-key';
import { countRecords, verifyDatabase, type DatabaseVerification } from './verify';

export interface BackupResult {
  file: string;
  createdAt: number;
  bytes: number;
  sha256: string;
  counts: ArchiveCounts;
}

/** `intake-desk-backup-20261206-020000-000.idbk` in local time (to the millisecond), so a folder listing sorts by age. */
export function backupFileName(at: number): string {
  const d = new Date(at);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `intake-desk-backup-${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}-${String(d.getMilliseconds()).padStart(3, '0')}${ARCHIVE_EXTENSION}`;
}

export async function createBackup(options: { dataDir: string; keyHex: string; out: string; appVersion: string; now: number }): Promise<BackupResult> {
  const outDir = path.dirname(path.resolve(options.out));
  if (!fs.existsSync(outDir)) throw new BackupError('no_backup_folder', `The backup folder ${outDir} does not exist (is the USB disk or network share connected?).`);
  const snapshot = path.join(outDir, `.${path.basename(options.out)}.${randomBytes(6).toString('hex')}.snapshot`);
  const live = openDatabase(databasePath(options.dataDir), options.keyHex);
  try {
    // VACUUM INTO writes the snapshot with this connection's sync level. The snapshot is a scratch
    // file, sealed into the archive (which is flushed) and deleted: forcing it to the disk would only
    // make a submit's fsync wait behind a few hundred MB.
    live.pragma('synchronous = OFF');
    live.prepare('VACUUM INTO ?').run(snapshot);
  } catch (error) {
    fs.rmSync(snapshot, { force: true });
    throw error;
  } finally {
    live.close();
  }
  try {
    const copy = openDatabase(snapshot, options.keyHex);
    // Attachment files are immutable once written (content-addressed); those present now are a
    // superset of what the snapshot refers to.
    const attachments = attachmentFiles(options.dataDir);
    let identity;
    let counts: ArchiveCounts;
    let schemaVersion: number;
    try {
      identity = backupIdentity(copy);
      counts = countRecords(copy, attachments.length);
      schemaVersion = currentVersion(copy);
    } finally {
      copy.close();
    }
    const { backupKey, ...labels } = identity;
    const header = { ...labels, createdAt: options.now, appVersion: options.appVersion, schemaVersion, counts };
    const written = await writeArchive(options.out, header, backupKey, { dbFile: snapshot, dbKeyHex: options.keyHex, attachments });
    return { file: path.resolve(options.out), createdAt: options.now, bytes: written.bytes, sha256: written.sha256, counts };
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(snapshot + suffix, { force: true });
  }
}

/**
 * The attachment store's sealed files (`attachments/<xx>/<id>.att`), named relative to the store.
 * They are copied as they are: encrypted under a key derived from the desk key, which the archive
 * carries (encrypted) and the restore puts back, so they open on the restored desk.
 */
export function attachmentFiles(dataDir: string): Array<{ name: string; file: string }> {
  const root = attachmentsDir(dataDir);
  if (!fs.existsSync(root)) return [];
  const files: Array<{ name: string; file: string }> = [];
  for (const shard of fs.readdirSync(root).sort()) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of fs.readdirSync(path.join(root, shard)).sort()) {
      if (/^[0-9a-f]{64}\.att$/.test(name) && name.startsWith(shard)) files.push({ name: `${shard}/${name}`, file: path.join(root, shard, name) });
    }
  }
  return files;
}

/** Move restored attachment files into the data folder's store (content-addressed: an existing file is the same content). */
function installAttachments(extracted: string[], stagingDir: string, dataDir: string): void {
  const from = path.join(stagingDir, 'attachments');
  const to = attachmentsDir(dataDir);
  for (const file of extracted) {
    const target = path.join(to, path.relative(from, file));
    if (fs.existsSync(target)) continue;
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
    fs.renameSync(file, target);
  }
}

/** How a restore or drill gets the backup key: the printed recovery key, or keys this desk holds (id → hex). */
export type KeySource = { recoveryKey: string } | { heldKeys: Record<string, string> };

function backupKeyFor(archive: OpenedArchive, source: KeySource): Buffer {
  const { header } = archive;
  if ('heldKeys' in source) {
    const held = source.heldKeys[header.keyId];
    if (!held) throw new BackupError('wrong_recovery_key', 'This desk does not hold the key of that backup; enter the printed recovery key.');
    return Buffer.from(held, 'hex');
  }
  const secret = parseRecoveryKey(source.recoveryKey);
  if (!secret) throw new BackupError('malformed_recovery_key', 'The recovery key must be 32 letters and digits (groups of four, as printed).');
  const key = unwrapBackupKey(header.wrappedKey, secret, header.organisationId, header.keyId);
  if (!key) throw new BackupError('wrong_recovery_key', 'This recovery key does not open this backup. Check it against the printed copy (it must be the key of the organisation that made the backup).');
  return key;
}

export interface Unpacked {
  header: ArchiveHeader;
  sha256: string;
  dbFile: string;
  dbKeyHex: string;
  /** The attachment files extracted under `stagingDir/attachments/`. */
  attachments: string[];
  verification: DatabaseVerification;
}

/**
 * Check and decrypt an archive into `stagingDir` and verify the database in it. Checks run in an
 * order that gives each fault its own message: not a backup, truncated, damaged, another
 * organisation, malformed or wrong recovery key.
 */
export async function unpackBackup(file: string, source: KeySource, stagingDir: string, expectOrganisationId?: string): Promise<Unpacked> {
  const archive = await readArchiveHeader(file);
  const sha256 = await verifyArchiveChecksum(archive);
  if (expectOrganisationId && archive.header.organisationId !== expectOrganisationId) {
    throw new BackupError('other_organisation', `This backup belongs to another organisation (${archive.header.organisationName || archive.header.organisationId}); a desk only restores its own organisation's backups.`, {
      organisationName: archive.header.organisationName,
    });
  }
  const key = backupKeyFor(archive, source);
  fs.mkdirSync(stagingDir, { recursive: true, mode: 0o700 });
  const extracted = await extractArchive(archive, key, stagingDir, DATABASE_FILE);
  if (!isValidKeyHex(extracted.dbKeyHex)) throw new BackupError('damaged', `${path.basename(file)} is damaged: its database key is malformed.`);
  const db = openDatabase(extracted.dbFile, extracted.dbKeyHex);
  try {
    assertNotTooNew(db);
    const verification = verifyDatabase(db, extracted.dbKeyHex, archive.header.counts, extracted.attachments.length);
    if (!verification.ok) {
      const why = [verification.integrity !== 'ok' ? `integrity: ${verification.integrity}` : null, verification.audit.problem ? `audit chain: ${verification.audit.problem}` : null, ...verification.rebuild.problems].filter(Boolean).join('; ');
      throw new BackupError('damaged', `The database in ${path.basename(file)} does not verify (${why}).`);
    }
    return { header: archive.header, sha256, dbFile: extracted.dbFile, dbKeyHex: extracted.dbKeyHex, attachments: extracted.attachments, verification };
  } finally {
    db.close();
  }
}

export interface RestoreResult {
  counts: ArchiveCounts;
  auditEntries: number;
  header: ArchiveHeader;
  replacedFile: string | null;
  /** The database key of the restored folder (now in its `desk.key`). */
  keyHex: string;
}

export interface PendingLoss {
  ops: number;
  customers: number;
  intakes: number;
  auditEntries: number;
  newestAt: number | null;
}

/**
 * Restore `from` into `dataDir`. A folder with a database of another organisation is refused; one
 * with data the backup lacks is refused unless `confirmLoss` (the refusal names what would be lost).
 * The database it replaces is moved aside (`intake-desk.db.replaced-<time>`), never deleted; one
 * that cannot be opened at all (the broken-disk case) is replaced without a loss check.
 *
 * The restored database keeps the key it was backed up with (carried inside the encrypted archive)
 * and `desk.key` is set to it, the folder's previous key kept aside as `desk.key.replaced-<time>`:
 * what the desk derives from its key (such as a keyed audit chain) stays verifiable after a restore.
 */
export async function restoreBackup(options: { from: string; dataDir: string; recoveryKey: string; confirmLoss?: boolean; now: number }): Promise<RestoreResult> {
  const { dataDir } = options;
  if (fs.existsSync(path.join(dataDir, SAFE_STORAGE_KEY_FILE))) {
    throw new BackupError('keychain_only', `The database key in ${dataDir} is held by the desktop app's OS keychain; restore into this folder from the desktop app.`);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const target = databasePath(dataDir);
  const keyFile = path.join(dataDir, KEY_FILE);
  const existingKey = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined;
  let current: Db | undefined;
  if (fs.existsSync(target) && existingKey && isValidKeyHex(existingKey)) {
    try {
      current = openDatabase(target, existingKey);
      current.prepare('SELECT count(*) FROM ops').get();
    } catch {
      current?.close();
      current = undefined; // unreadable: the broken-disk case, nothing in it can be compared or kept
    }
  }
  const staging = path.join(dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  try {
    const unpacked = await unpackBackup(options.from, { recoveryKey: options.recoveryKey }, staging, current ? organisationId(current) : undefined);
    if (current) {
      const loss = pendingLoss(current, unpacked.dbFile, unpacked.dbKeyHex);
      if ((loss.ops > 0 || loss.auditEntries > 0) && !options.confirmLoss) {
        const newest = loss.newestAt ? new Date(loss.newestAt).toISOString() : 'unknown';
        throw new BackupError(
          'would_lose_data',
          `Restoring this backup would lose data this desk has and the backup does not: ${loss.customers} customers, ${loss.intakes} intakes, ${loss.ops} changes in all and ${loss.auditEntries} audit entries (newest ${newest}). Confirm to restore anyway; the current database is kept aside.`,
          { ...loss, newestAt: loss.newestAt ?? 0 },
        );
      }
      current.close();
      current = undefined;
    }
    const keyHex = unpacked.dbKeyHex;
    const restored = openDatabase(unpacked.dbFile, keyHex);
    try {
      // The core writes the audit entry for this restore at its next start (./keyring.ts recordRestore).
      const meta = new MetaRepo(restored);
      meta.set(RESTORED_FROM, JSON.stringify({ name: path.basename(options.from), sha256: unpacked.sha256, takenAt: unpacked.header.createdAt, restoredAt: options.now, replaced: fs.existsSync(target) }));
      comeBackAsNewDevice(meta);
    } finally {
      restored.close();
    }
    let replacedFile: string | null = null;
    if (fs.existsSync(target)) {
      replacedFile = `${target}.replaced-${options.now}`;
      fs.renameSync(target, replacedFile);
      for (const suffix of ['-wal', '-shm']) if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, replacedFile + suffix);
    }
    fs.renameSync(unpacked.dbFile, target);
    installAttachments(unpacked.attachments, staging, dataDir);
    if (existingKey !== keyHex) {
      if (fs.existsSync(keyFile)) fs.renameSync(keyFile, `${keyFile}.replaced-${options.now}`);
      fs.writeFileSync(keyFile, `${keyHex}\n`, { mode: 0o600 });
    }
    const check = openDatabase(target, keyHex);
    try {
      // The signed audit head lives beside the database: start it at the restored chain's last entry
      // (the folder's previous head, for the replaced database, is kept aside).
      const headFile = AuditHeadFile.inDataDir(options.dataDir, deriveDeskKeys(keyHex));
      if (fs.existsSync(headFile.file)) fs.renameSync(headFile.file, `${headFile.file}.replaced-${options.now}`);
      const last = check.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get();
      if (last) headFile.write({ seq: last.seq, hash: last.hash });
      const counts = countRecords(check, unpacked.attachments.length);
      return { counts, auditEntries: unpacked.verification.audit.entries, header: unpacked.header, replacedFile, keyHex };
    } finally {
      check.close();
    }
  } finally {
    current?.close();
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A restored database comes back under a new device id: the desk it was backed up from may have
 * gone on writing (and syncing) ops with higher sequences than the backup holds, so continuing its
 * sequence would collide on the server. Its new ops start again at sequence 1 under the new id;
 * the previous id and its signing key are kept so that ops it made before the backup and never
 * handed in can still be pushed as its own; an enrolled desk enrols again at its next sync round
 * (approved by the recovery desk, electron/core/sync/sync-service.ts `rejoin`) and pulls what it missed.
 */
function comeBackAsNewDevice(meta: MetaRepo): void {
  const previous = meta.get('device_id');
  const identity = meta.get(IDENTITY);
  const deviceId = `dev_${randomBytes(15).toString('base64url')}`;
  meta.set('device_id', deviceId);
  meta.set('device_seq', '0');
  // The clock goes on from where it was, as the new device (the HLC names its node).
  const hlc = /^(\d{15}-\d{5})-/.exec(meta.get('hlc_last') ?? '');
  if (hlc) meta.set('hlc_last', `${hlc[1]}-${deviceId}`);
  meta.set(IDENTITY, '');
  if (previous && identity) {
    meta.set(PREVIOUS_DEVICE, previous);
    meta.set(PREVIOUS_IDENTITY, identity);
  }
  if (meta.get('sync_site_id') || meta.get('sync_keyring')) meta.set(REJOIN, '1');
}

/** What `current` holds that the restored database lacks (ops and audit entries by id). */
function pendingLoss(current: Db, restoredFile: string, restoredKeyHex: string): PendingLoss {
  current.prepare(`ATTACH DATABASE ? AS restored KEY "x'${restoredKeyHex}'"`).run(restoredFile);
  try {
    const ops = current
      .prepare<[], { entity: string; n: number; newest: string | null }>(
        'SELECT entity, count(*) AS n, max(hlc) AS newest FROM main.ops o WHERE NOT EXISTS (SELECT 1 FROM restored.ops r WHERE r.op_id = o.op_id) GROUP BY entity',
      )
      .all();
    const audit = current
      .prepare<[], { n: number; newest: number | null }>('SELECT count(*) AS n, max(at) AS newest FROM main.audit_log a WHERE NOT EXISTS (SELECT 1 FROM restored.audit_log r WHERE r.hash = a.hash)')
      .get() ?? { n: 0, newest: null };
    const by = (entity: string): number => ops.find((row) => row.entity === entity)?.n ?? 0;
    const newestHlc = ops.map((row) => row.newest).filter((value): value is string => value !== null).sort().at(-1);
    const hlcMs = newestHlc ? Number.parseInt(newestHlc.split(/[:.-]/)[0] ?? '', 10) : Number.NaN;
    const newestAt = Math.max(audit.newest ?? 0, Number.isFinite(hlcMs) ? hlcMs : 0) || null;
    return { ops: ops.reduce((sum, row) => sum + row.n, 0), customers: by('customer'), intakes: by('intake'), auditEntries: audit.n, newestAt };
  } finally {
    current.exec('DETACH DATABASE restored');
  }
}

export interface DrillResult {
  file: string;
  createdAt: number;
  sha256: string;
  verification: DatabaseVerification;
}

/** Restore `file` into a scratch folder, verify it, and remove the scratch copy. */
export async function drillBackup(file: string, source: KeySource, scratchRoot: string): Promise<DrillResult> {
  const scratch = path.join(scratchRoot, `.drill-${randomBytes(6).toString('hex')}`);
  try {
    const unpacked = await unpackBackup(file, source, scratch);
    return { file, createdAt: unpacked.header.createdAt, sha256: unpacked.sha256, verification: unpacked.verification };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export interface BackupListing {
  file: string;
  name: string;
  createdAt: number;
  organisationName: string;
  counts: ArchiveCounts;
}

/** The backups in a folder, newest first (headers only; unreadable files are skipped). */
export async function listBackups(folder: string): Promise<BackupListing[]> {
  if (!folder || !fs.existsSync(folder)) return [];
  const names = fs.readdirSync(folder).filter((name) => name.startsWith('intake-desk-backup-') && name.endsWith(ARCHIVE_EXTENSION));
  const listed: BackupListing[] = [];
  for (const name of names) {
    try {
      const { header } = await readArchiveHeader(path.join(folder, name));
      listed.push({ file: path.join(folder, name), name, createdAt: header.createdAt, organisationName: header.organisationName, counts: header.counts });
    } catch {
      // a damaged or partial file is not offered
    }
  }
  return listed.sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name));
}

/** Keep the newest `keep` backups in `folder`; returns the files removed. */
export async function pruneBackups(folder: string, keep: number): Promise<string[]> {
  const names = (await fs.promises.readdir(folder))
    .filter((name) => name.startsWith('intake-desk-backup-') && name.endsWith(ARCHIVE_EXTENSION))
    .sort()
    .reverse();
  const removed = names.slice(keep).map((name) => path.join(folder, name));
  // Off the core's thread (libuv's pool): unlinking an archive of hundreds of MB held the thread,
  // and a submit with it, for up to a second.
  for (const file of removed) await fs.promises.rm(file, { force: true });
  return removed;
}
