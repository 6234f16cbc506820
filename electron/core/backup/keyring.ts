/**
 * The desk's side of backup keys. Each backup key (random 32 bytes) lives in the encrypted database
 * with its copy wrapped by the organisation's recovery key; archives carry the wrapped copy. The
 * recovery key itself is the organisation's one printed key: it is shown until the manager confirms
 * it was printed, and kept sealed under a key derived from the database key (outside the database)
 * so that a manager can show it again after entering their password, the desk can publish the
 * site's recovery copy of the sync keyring, and a restored desk can rejoin sync
 * (docs/decisions/0018-one-recovery-key.md).
 * The organisation gets a stable id (in its configuration document, so it syncs) that every
 * archive names, so a desk refuses another organisation's backup.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection';
import { MetaRepo } from '../db/meta-repo';
import { ConfigRepo } from '../settings/config-repo';
import type { Services } from '../services';
import { BackupError } from './archive';
import { z } from 'zod';
import { openLocal, sealLocal } from '../sync/keyring';
import { generateRecoveryKey, parseRecoveryKey, unwrapBackupKey, wrapBackupKey } from './recovery-key';

const KEYS = 'backup.keys';
const CURRENT = 'backup.current_key_id';
const PENDING = 'backup.recovery_key_pending';
const SEALED = 'backup.recovery_key_sealed';
/** Set by a restore in the restored database; the core turns it into an audit entry at its next start. */
export const RESTORED_FROM = 'backup.restored_from';

interface StoredKey {
  key: string;
  wrapped: string;
  createdAt: number;
}

export interface BackupIdentity {
  organisationId: string;
  organisationName: string;
  deviceId: string;
  deskName: string | null;
  keyId: string;
  wrappedKey: string;
  backupKey: Buffer;
}

function storedKeys(meta: MetaRepo): Record<string, StoredKey> {
  const raw = meta.get(KEYS);
  return raw ? (JSON.parse(raw) as Record<string, StoredKey>) : {};
}

export function organisationId(db: Db): string | undefined {
  const id = new ConfigRepo(db).doc('organisation')?.['organisationId'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * Make a new recovery key (or take `given`, one already printed: a recovered or restored desk, or
 * a desk of the site that received it in the keyring) and a new backup key wrapped by it; returns
 * the recovery key. A new one is also kept as pending until `confirmRecoveryKey`. Runs inside the
 * caller's transaction when there is one.
 */
export function createRecoveryKey(services: Services, actorId: string | null, given?: string): string {
  const work = (): string => {
    let orgId = organisationId(services.ctx.db);
    if (!orgId) {
      orgId = services.ctx.randomId('org');
      services.ops.append(actorId, { entity: 'config', entityId: 'organisation', changes: { organisationId: orgId } });
    }
    const recoveryKey = given ?? generateRecoveryKey();
    const secret = parseRecoveryKey(recoveryKey);
    if (!secret) throw new Error('generated recovery key does not parse');
    const keyId = services.ctx.randomId('bkk');
    const backupKey = randomBytes(32);
    const keys = storedKeys(services.meta);
    keys[keyId] = { key: backupKey.toString('hex'), wrapped: wrapBackupKey(backupKey, secret, orgId, keyId), createdAt: services.ctx.now() };
    services.meta.set(KEYS, JSON.stringify(keys));
    services.meta.set(CURRENT, keyId);
    services.meta.set(SEALED, sealLocal(services.keys.syncSeal, 'recovery-key', recoveryKey));
    if (given) {
      // The organisation's key, printed already: a key this desk made at its own setup is not the one to print.
      services.meta.set(PENDING, '');
      services.audit.append(actorId, 'backup.recovery_key_adopted', keyId, {});
    } else {
      services.meta.set(PENDING, recoveryKey);
      services.audit.append(actorId, 'backup.recovery_key_created', keyId, {});
    }
    return recoveryKey;
  };
  return services.ctx.db.inTransaction ? work() : services.transact(work);
}

/**
 * The current backup key must open with the recovery key under the organisation id its backups are
 * labelled with. That id can change under a desk: a desk paired into a site made its own at setup,
 * and the site's configuration (synced, newest wins) replaces it. Then a new backup key is wrapped
 * under the id now in force. Returns whether it made one.
 */
export function refreshBackupKey(services: Services, recoveryKey: string): boolean {
  const keyId = services.meta.get(CURRENT);
  const orgId = organisationId(services.ctx.db);
  const secret = parseRecoveryKey(recoveryKey);
  if (!orgId || !secret) return false;
  const stored = keyId ? storedKeys(services.meta)[keyId] : undefined;
  if (keyId && stored && unwrapBackupKey(stored.wrapped, secret, orgId, keyId)) return false;
  createRecoveryKey(services, null, recoveryKey);
  return true;
}

/** The organisation recovery key this desk holds (sealed), or null (a desk set up before it was kept). */
export function heldRecoveryKey(services: Pick<Services, 'meta' | 'keys'>): string | null {
  const sealed = services.meta.get(SEALED);
  return sealed ? openLocal(services.keys.syncSeal, 'recovery-key', sealed, z.string()) : null;
}

export function pendingRecoveryKey(services: Services): string | null {
  return services.meta.get(PENDING) || null;
}

export function confirmRecoveryKey(services: Services, actorId: string): void {
  services.transact(() => {
    const keyId = services.meta.get(CURRENT) ?? null;
    services.meta.set(PENDING, '');
    services.audit.append(actorId, 'backup.recovery_key_confirmed', keyId, {});
  });
}

export function hasRecoveryKey(db: Db): boolean {
  return Boolean(new MetaRepo(db).get(CURRENT));
}

/** What a backup of this database is labelled and encrypted with. */
export function backupIdentity(db: Db): BackupIdentity {
  const meta = new MetaRepo(db);
  const keyId = meta.get(CURRENT);
  const orgId = organisationId(db);
  const stored = keyId ? storedKeys(meta)[keyId] : undefined;
  if (!keyId || !orgId || !stored) {
    throw new BackupError('no_recovery_key', 'This desk has no recovery key yet, so its backups could not be restored anywhere else. A manager creates one in Settings → Backups and prints it.');
  }
  return {
    organisationId: orgId,
    organisationName: new ConfigRepo(db).organisation()?.organisationName ?? '',
    deviceId: meta.get('device_id') ?? 'unknown',
    deskName: meta.get('desk_name') ?? null,
    keyId,
    wrappedKey: stored.wrapped,
    backupKey: Buffer.from(stored.key, 'hex'),
  };
}

/** The backup keys this desk holds, id → hex (for drills of its own backups without the printed key). */
export function heldBackupKeys(db: Db): Record<string, string> {
  return Object.fromEntries(Object.entries(storedKeys(new MetaRepo(db))).map(([id, stored]) => [id, stored.key]));
}

/** If this database was just restored from a backup, audit that once (called when the core starts). */
export function recordRestore(services: Services): void {
  const raw = services.meta.get(RESTORED_FROM);
  if (!raw) return;
  const restored = JSON.parse(raw) as { name: string; sha256: string; takenAt: number; restoredAt: number; replaced: boolean };
  services.transact(() => {
    services.audit.append(null, 'backup.restored', restored.name, { sha256: restored.sha256, takenAt: restored.takenAt, restoredAt: restored.restoredAt, replacedDatabase: restored.replaced });
    services.meta.set(RESTORED_FROM, '');
  });
}
